package push

import "testing"

func TestActivityClass(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"com.x.Main", "com.x.Main"},
		{" com.x.Main ", "com.x.Main"},
		{"activity:com.x.Main", "com.x.Main"},
		{"activity：com.tencent.qcloud.tim.demo.main.MainActivity", "com.tencent.qcloud.tim.demo.main.MainActivity"}, // the guide's OPPO value
		{" activity： .Main", ".Main"},
		{"activity", "activity"},
		{"com.x.activity:Main", "com.x.activity:Main"},
		{"", ""},
	} {
		if got := ActivityClass(c.in); got != c.want {
			t.Errorf("ActivityClass(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestClickOrFallsBackOnlyWithoutAType(t *testing.T) {
	cert := Click{Type: "intent", Target: "intent://chat"}
	for _, c := range []struct{ push, want Click }{
		{Click{}, cert},
		{Click{Target: "ignored without a type"}, cert},
		{Click{Type: "url", Target: "https://x"}, Click{Type: "url", Target: "https://x"}},
		{Click{Type: "launcher"}, Click{Type: "launcher"}},
	} {
		p := Push{Click: c.push}
		if got := p.ClickOr(cert); got != c.want {
			t.Errorf("%+v: %+v, want %+v", c.push, got, c.want)
		}
	}
}
