package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `pushsim serve args...` until the test ends and returns
// its URL and output.
func startServe(t *testing.T, args ...string) (url string, stdout, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := newServeCmd()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetArgs(append([]string{"--ready-file", ready}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not stop within 10s of cancel")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })

	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(ready)
		if err == nil {
			return strings.TrimSpace(string(b)), stdout, stderr, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before it was ready: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 10s\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func TestServeAnswersHealthAndStops(t *testing.T) {
	url, _, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--virtual-clock", "--seed", "7")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url = %q", url)
	}
	var health struct {
		Status  string
		Vendors []string
		Clock   string
	}
	getJSON(t, url+"/_pushsim/health", &health)
	if health.Status != "ok" || health.Clock != "virtual" || len(health.Vendors) == 0 {
		t.Fatalf("health = %+v", health)
	}
	log := stderr.String()
	for _, want := range []string{"listening on " + strings.TrimPrefix(url, "http://"), "clock virtual", "seed 7", url + "/xiaomi"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "WARNING") {
		t.Errorf("warned on loopback:\n%s", log)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := http.Get(url + "/_pushsim/health"); err == nil {
		t.Fatal("still serving after stop")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown message:\n%s", stderr.String())
	}
}

func TestServeDemoPrintsAWorkingEnvSnippet(t *testing.T) {
	url, stdout, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--demo")
	env := map[string]string{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = strings.Trim(v, "'")
		}
	}
	if env["PUSHSIM_URL"] != url || env["PUSHSIM_XIAOMI_BASE_URL"] != url+"/xiaomi" {
		t.Fatalf("urls in the snippet: %q %q, want %q", env["PUSHSIM_URL"], env["PUSHSIM_XIAOMI_BASE_URL"], url)
	}
	var health struct{ Vendors []string }
	getJSON(t, url+"/_pushsim/health", &health)
	var devices []struct{ Name, Vendor, Token string }
	getJSON(t, url+"/_pushsim/devices", &devices)
	if len(devices) != 2*len(health.Vendors) {
		t.Fatalf("%d demo phones for %d vendors", len(devices), len(health.Vendors))
	}
	for _, d := range devices {
		user, _, _ := strings.Cut(d.Name, "-")
		key := "PUSHSIM_" + strings.ToUpper(d.Vendor) + "_TOKEN_" + strings.ToUpper(user)
		if env[key] != d.Token {
			t.Errorf("%s = %q, want the phone %s's token %q", key, env[key], d.Name, d.Token)
		}
	}
	if env["PUSHSIM_XIAOMI_APP_SECRET"] == "" {
		t.Errorf("no Xiaomi secret in:\n%s", stdout.String())
	}

	// The snippet's values work: a Xiaomi push with them reaches alice.
	form := "registration_id=" + urlEscape(env["PUSHSIM_XIAOMI_TOKEN_ALICE"]) + "&title=hi&description=there&restricted_package_name=" + env["PUSHSIM_XIAOMI_PACKAGE"]
	req, _ := http.NewRequest("POST", env["PUSHSIM_XIAOMI_BASE_URL"]+"/v3/message/regid", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "key="+env["PUSHSIM_XIAOMI_APP_SECRET"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var shade struct{ Shown []struct{ Title string } }
	getJSON(t, url+"/_pushsim/devices/alice-xiaomi/shade", &shade)
	if len(shade.Shown) != 1 || shade.Shown[0].Title != "hi" {
		t.Fatalf("alice-xiaomi shows %+v", shade.Shown)
	}
}

func urlEscape(s string) string {
	r := strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D")
	return r.Replace(s)
}

func TestServeRefusesBadFlags(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", taken.Addr().String()}, "listen on " + taken.Addr().String()},
		{[]string{"--addr", "nonsense"}, "listen on nonsense"},
		{[]string{"--addr", "127.0.0.1:0", "--clock-start", "tomorrow"}, "--clock-start"},
		{[]string{"--addr", "127.0.0.1:0", "--ledger-cap", "0"}, "--ledger-cap"},
		{[]string{"--addr", "127.0.0.1:0", "--pending-cap", "0"}, "--pending-cap"},
		{[]string{"extra"}, "unknown command"},
	} {
		cmd := newServeCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(tc.args)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := cmd.ExecuteContext(ctx)
		cancel()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
	}
}

// Listening beyond loopback is allowed, with a warning; tests do not open
// such a port, so the decision is checked on addresses.
func TestExposureWarning(t *testing.T) {
	for addr, loopback := range map[string]bool{
		"127.0.0.1:4800": true, "127.0.0.2:1": true, "[::1]:4800": true,
		"0.0.0.0:4800": false, "[::]:4800": false, "192.168.1.2:4800": false,
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		w := exposureWarning(a)
		if loopback && w != "" {
			t.Errorf("%s: warned %q", addr, w)
		}
		if !loopback && (!strings.Contains(w, "WARNING") || !strings.Contains(w, a.String()+" is not a loopback address")) {
			t.Errorf("%s: warning = %q", addr, w)
		}
	}
	if exposureWarning(badAddr{}) == "" {
		t.Error("an address that does not parse should warn")
	}
}

type badAddr struct{}

func (badAddr) Network() string { return "tcp" }
func (badAddr) String() string  { return "nonsense" }

func TestServeIsRegistered(t *testing.T) {
	root := newRootCmd()
	c, _, err := root.Find([]string{"serve"})
	if err != nil || c.Name() != "serve" {
		t.Fatalf("serve not registered: %v", err)
	}
	if f := c.Flags().Lookup("ready-file"); f == nil || !f.Hidden {
		t.Fatal("--ready-file should exist and be hidden")
	}
}
