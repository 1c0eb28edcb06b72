package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/faults"
)

// FuzzRule feeds the rule decoder anything, adds what decodes and sends a
// request through the injector: no input panics, and a rule that is added
// was valid.
func FuzzRule(f *testing.F) {
	for _, s := range []string{
		`{"vendor":"toy","action":"vendor_code","code":-2,"times":2}`,
		`{"action":"http_status","status":429,"retry_after":"1.5s"}`,
		`{"action":"latency","latency":0.25,"share":0.5}`,
		`{"action":"truncated","path":"/send*"}`,
		`{"action":"malformed","token":"QUOTA","after":1}`,
		`{"action":"reset","app":"chat"}`,
		`{"action":"vendor_code","code":"quota"}`,
		`{"action":"latency","latency":"-1s"}`,
		`{"action":"vendor_code","code":1e999}`,
	} {
		f.Add(s, "app=chat&token=a,b-QUOTA-1")
	}
	f.Fuzz(func(t *testing.T, rule, form string) {
		var r faults.Rule
		if err := json.Unmarshal([]byte(rule), &r); err != nil {
			return
		}
		srv, _, _ := newToy(1)
		added, err := srv.Faults().Add(r)
		if err != nil {
			return
		}
		if err := added[0].Validate(); err != nil {
			t.Fatalf("added an invalid rule %+v: %v", added[0], err)
		}
		if r.Action == faults.Hang || time.Duration(r.Latency) > time.Hour {
			return // the clock would move a long way; nothing new to learn
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/toy/send", strings.NewReader(form))
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	})
}
