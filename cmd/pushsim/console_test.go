package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// pushsim serve shows the console at "/" (package console), beside the
// vendors and the control plane on the same listener.
func TestServeShowsTheConsole(t *testing.T) {
	url, _, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--demo")
	for path, want := range map[string]string{
		"/":                 "<title>pushsim console</title>",
		"/app.js":           "/_pushsim",
		"/_pushsim/health":  `"status": "ok"`,
		"/_pushsim/devices": "alice-xiaomi",
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want 200 with %q", path, resp.StatusCode, want)
		}
	}
}
