package emulators_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// A test starts the emulators on a loopback port, configures an app and a
// phone, and sends a push through Xiaomi's real API under the vendor's base
// URL. The phone's shade shows what arrived.
func ExampleStart() {
	t := &fakeT{} // in a test: the test's *testing.T, which stops the server at the end
	defer t.cleanup()

	s := emulators.Start(t, emulators.Options{})
	app, _ := s.World.AddApp(world.App{Vendor: "xiaomi", Name: "chat", Secret: "s3cret", Package: "com.example.chat"})
	phone, _ := s.World.Register(world.Device{Vendor: "xiaomi", App: "chat", Name: "alice-phone", Token: s.Vendor("xiaomi").NewToken(app)})

	form := url.Values{
		"registration_id":         {phone.Token},
		"restricted_package_name": {"com.example.chat"},
		"title":                   {"Bob"},
		"description":             {"Lunch at noon?"},
	}
	req, _ := http.NewRequest("POST", s.BaseURL("xiaomi")+"/v3/message/regid", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "key=s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var answer struct {
		Result string `json:"result"`
		Code   int    `json:"code"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	fmt.Println("xiaomi:", answer.Result, answer.Code)

	shade, _ := s.World.Shade("alice-phone")
	for _, n := range shade.Shown {
		fmt.Printf("alice-phone shows %q: %q\n", n.Title, n.Body)
	}
	// Output:
	// xiaomi: ok 0
	// alice-phone shows "Bob": "Lunch at noon?"
}

// Production code that calls https://api.xmpush.xiaomi.com directly is
// tested unchanged: Intercept sends the vendors' real hosts on its
// *http.Client to the emulators (no port, no network) and lets every other
// host through.
func ExampleServer_Intercept() {
	s := emulators.New(emulators.Options{})
	app, _ := s.World.AddApp(world.App{Vendor: "xiaomi", Name: "chat", Secret: "s3cret", Package: "com.example.chat"})
	phone, _ := s.World.Register(world.Device{Vendor: "xiaomi", App: "chat", Name: "alice-phone", Token: s.Vendor("xiaomi").NewToken(app)})

	client := &http.Client{Timeout: 5 * time.Second} // the client your code already uses
	restore := s.Intercept(client)
	defer restore()

	form := url.Values{
		"registration_id": {phone.Token},
		"title":           {"Carol"},
		"description":     {"See you"},
	}
	req, _ := http.NewRequest("POST", "https://api.xmpush.xiaomi.com/v3/message/regid", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "key=s3cret")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	shade, _ := s.World.Shade("alice-phone")
	fmt.Println("shown:", shade.Shown[0].Title)
	for _, e := range s.World.Ledger(world.Filter{Vendor: "xiaomi", Kind: world.KindRequest}) {
		fmt.Println("ledger:", e.Method, e.Path, e.Verdict)
	}
	// Output:
	// shown: Carol
	// ledger: POST /v3/message/regid accepted
}

// The control plane drives the world over HTTP: here through the in-memory
// Client, in the same way as with curl against `pushsim serve`.
func ExampleServer_Client() {
	s := emulators.New(emulators.Options{Clock: world.NewVirtualClock(time.Date(2026, 1, 1, 23, 30, 0, 0, world.Shanghai))})
	c := s.Client()

	post := func(path, body string) *http.Response {
		resp, err := c.Post(s.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		return resp
	}
	resp := post("/_pushsim/apps", `{"vendor":"xiaomi","name":"chat"}`)
	fmt.Println("app:", resp.Status)
	resp = post("/_pushsim/devices", `{"vendor":"xiaomi","app":"chat","name":"alice-phone","android":26}`)
	var phone world.Device
	_ = json.NewDecoder(resp.Body).Decode(&phone)
	fmt.Println("phone:", resp.Status, phone.Name, "Android API", phone.Android, "regId length", len(phone.Token))

	resp = post("/_pushsim/clock/advance", `{"by":"1h"}`)
	var clock struct{ Now time.Time }
	_ = json.NewDecoder(resp.Body).Decode(&clock)
	fmt.Println("clock:", clock.Now.In(world.Shanghai).Format(time.DateTime))

	resp = post("/_pushsim/devices", `{"vendor":"xiaomi","app":"mail"}`)
	var problem struct {
		Status        int
		Detail, Field string
	}
	_ = json.NewDecoder(resp.Body).Decode(&problem)
	fmt.Println("problem:", resp.Header.Get("Content-Type"), problem.Status, problem.Field)
	// Output:
	// app: 201 Created
	// phone: 201 Created alice-phone Android API 26 regId length 64
	// clock: 2026-01-02 00:30:00
	// problem: application/problem+json 400 app
}

// SeedDemo sets up what `pushsim serve --demo` shows: an app and two phones
// per vendor, printed as an env snippet.
func ExampleSeedDemo() {
	s := emulators.New(emulators.Options{})
	demo, err := emulators.SeedDemo(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(demo.Env(), "\n") {
		if name, _, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "PUSHSIM_XIAOMI_") {
			fmt.Println(name)
		}
	}
	// Output:
	// PUSHSIM_XIAOMI_BASE_URL
	// PUSHSIM_XIAOMI_APP_ID
	// PUSHSIM_XIAOMI_APP_KEY
	// PUSHSIM_XIAOMI_APP_SECRET
	// PUSHSIM_XIAOMI_PACKAGE
	// PUSHSIM_XIAOMI_CHANNEL
	// PUSHSIM_XIAOMI_TOKEN_ALICE
	// PUSHSIM_XIAOMI_TOKEN_BOB
}
