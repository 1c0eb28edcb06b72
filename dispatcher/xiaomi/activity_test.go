package xiaomi_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/xiaomi"
)

// The guide writes a console activity as "activity：<class>" (full-width
// colon); the intent must name the class alone.
func TestActivityIntentStripsTheActivityPrefix(t *testing.T) {
	want := "intent:#Intent;component=com.example.chat/com.example.chat.Main;end"
	for _, cls := range []string{"com.example.chat.Main", " activity:com.example.chat.Main", "activity：com.example.chat.Main"} {
		if got := xiaomi.ActivityIntent("com.example.chat", cls); got != want {
			t.Errorf("ActivityIntent(%q) = %q, want %q", cls, got, want)
		}
	}
}
