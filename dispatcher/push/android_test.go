package push

import "testing"

func TestActivityIntent(t *testing.T) {
	want := "intent:#Intent;component=com.example.chat/com.example.chat.Main;end"
	for _, cls := range []string{"com.example.chat.Main", " activity:com.example.chat.Main", "activity：com.example.chat.Main"} {
		if got := ActivityIntent("com.example.chat", cls); got != want {
			t.Errorf("ActivityIntent(%q) = %q, want %q", cls, got, want)
		}
	}
	if got := ActivityIntent("com.example.chat", ".Main"); got != "intent:#Intent;component=com.example.chat/.Main;end" {
		t.Errorf("relative class: %q", got)
	}
}

func TestAndroidNotifyID(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int32
	}{
		{"0", 0}, {"7", 7}, {"2147483647", 2147483647},
		{"conv-9", AndroidNotifyID("conv-9")},
	} {
		if got := AndroidNotifyID(c.in); got != c.want {
			t.Errorf("AndroidNotifyID(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	for _, s := range []string{"-5", "2147483648", "conv-9", "", "😀"} {
		if got := AndroidNotifyID(s); got < 0 {
			t.Errorf("AndroidNotifyID(%q) = %d, want >= 0", s, got)
		}
	}
	if AndroidNotifyID("conv-9") == AndroidNotifyID("conv-10") {
		t.Error("two ids hash alike")
	}
}
