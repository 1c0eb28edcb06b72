package vivo

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// nopWriter is a ResponseWriter that keeps nothing, so the benchmarks measure
// the handlers, not a recorder.
type nopWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }
func (w *nopWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// rewindBody is a request body that can be read again for every iteration.
type rewindBody struct {
	s string
	i int
}

func (b *rewindBody) Read(p []byte) (int, error) {
	if b.i >= len(b.s) {
		return 0, io.EOF
	}
	n := copy(p, b.s[b.i:])
	b.i += n
	return n, nil
}
func (b *rewindBody) Close() error { return nil }

// imBody is a typical IM notification as dispatcher/vivo sends it.
const imBody = `{"appId":%s,"regId":"%s","notifyType":4,"title":"Bob","content":"晚上一起吃饭吗？",` +
	`"timeToLive":86400,"skipType":4,"skipContent":"intent:#Intent;component=com.example.chat/.Chat;S.conv=c_1;end",` +
	`"networkType":-1,"classification":1,"category":"IM","pushMode":0,"requestId":"%s",` +
	`"clientCustomMap":{"ext":"{\"conv\":\"c_1\",\"seq\":42}","from":"bob"}}`

// benchSetup is a world with one demo app, one phone and a valid authToken.
func benchSetup(b *testing.B) (*Emulator, *world.World, world.App, world.Device, string) {
	clock := world.NewVirtualClock(time.Date(2026, 3, 10, 10, 0, 0, 0, world.Shanghai))
	w := world.New(world.Options{Clock: clock, LedgerCap: 16, ShadeCap: 16})
	e := New(w).(*Emulator)
	a := world.App{Vendor: vendorName, Name: "chat"}
	e.DemoApp(&a)
	if _, err := w.AddApp(a); err != nil {
		b.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: vendorName, App: "chat", Token: e.NewToken(&a)})
	if err != nil {
		b.Fatal(err)
	}
	token := "bench-token"
	e.mu.Lock()
	e.stateLocked()
	e.tokens[token] = authToken{appID: a.ID, expires: clock.Now().Add(24 * time.Hour)}
	e.mu.Unlock()
	return e, w, a, d, token
}

func request(path, token string, body *rewindBody) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, path, nil)
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set("authToken", token)
	r.Body = body
	r.ContentLength = int64(len(body.s))
	return r
}

func sprintf(format string, args ...string) string {
	out := make([]byte, 0, len(format)+64)
	ai := 0
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) && format[i+1] == 's' && ai < len(args) {
			out = append(out, args[ai]...)
			ai++
			i++
			continue
		}
		out = append(out, format[i])
	}
	return string(out)
}

// BenchmarkSend is the whole emulator on the single-push path: routing,
// authToken, decoding, validation, classes, requestId memory, quotas,
// ledger and delivery to the phone. Each iteration has a new requestId,
// as a real dispatcher would.
func BenchmarkSend(b *testing.B) {
	e, w, a, d, token := benchSetup(b)
	h := e.Handler()
	bodies := make([]string, 1024)
	for i := range bodies {
		bodies[i] = sprintf(imBody, a.ID, d.Token, "req-"+strconv.Itoa(i))
	}
	rw := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(bodies) == 0 && i > 0 {
			w.Reset() // forget requestIds, so every request is sent
			_, _ = w.AddApp(a)
			_, _ = w.Register(d)
			e.mu.Lock()
			e.stateLocked()
			e.tokens[token] = authToken{appID: a.ID, expires: w.Now().Add(time.Hour)}
			e.mu.Unlock()
		}
		body := &rewindBody{s: bodies[i%len(bodies)]}
		clear(rw.h)
		h.ServeHTTP(rw, request("/message/send", token, body))
		if rw.code != http.StatusOK {
			b.Fatalf("status %d", rw.code)
		}
	}
}

// BenchmarkBare is the floor: a handler that only parses the same JSON body
// and writes the success JSON.
func BenchmarkBare(b *testing.B) {
	_, _, a, d, token := benchSetup(b)
	type bare struct {
		AppID           int               `json:"appId"`
		RegID           string            `json:"regId"`
		NotifyType      int               `json:"notifyType"`
		Title           string            `json:"title"`
		Content         string            `json:"content"`
		TimeToLive      int               `json:"timeToLive"`
		SkipType        int               `json:"skipType"`
		SkipContent     string            `json:"skipContent"`
		NetworkType     int               `json:"networkType"`
		Classification  int               `json:"classification"`
		Category        string            `json:"category"`
		PushMode        int               `json:"pushMode"`
		RequestID       string            `json:"requestId"`
		ClientCustomMap map[string]string `json:"clientCustomMap"`
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m bare
		if err := json.Unmarshal(body, &m); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"result":0,"desc":"请求成功","taskId":"121397329"}`))
	})
	body := sprintf(imBody, a.ID, d.Token, "req-1")
	rw := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(rw.h)
		h.ServeHTTP(rw, request("/message/send", token, &rewindBody{s: body}))
		if rw.code != http.StatusOK {
			b.Fatalf("status %d", rw.code)
		}
	}
}

// BenchmarkSendVsBare runs the full send path and the bare handler in
// alternating rounds of the same length, so a busy machine slows both
// alike, and reports full/bare throughput as "ratio" (target ≥ 0.6).
func BenchmarkSendVsBare(b *testing.B) {
	e, w, a, d, token := benchSetup(b)
	full := e.Handler()
	_ = w
	var bare http.Handler
	{
		type msg struct {
			AppID           int               `json:"appId"`
			RegID           string            `json:"regId"`
			NotifyType      int               `json:"notifyType"`
			Title           string            `json:"title"`
			Content         string            `json:"content"`
			TimeToLive      int               `json:"timeToLive"`
			SkipType        int               `json:"skipType"`
			SkipContent     string            `json:"skipContent"`
			NetworkType     int               `json:"networkType"`
			Classification  int               `json:"classification"`
			Category        string            `json:"category"`
			PushMode        int               `json:"pushMode"`
			RequestID       string            `json:"requestId"`
			ClientCustomMap map[string]string `json:"clientCustomMap"`
		}
		bare = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var m msg
			if err := json.Unmarshal(body, &m); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"result":0,"desc":"请求成功","taskId":"121397329"}`))
		})
	}
	// Short alternating rounds, and the median of the rounds' ratios, so a
	// burst of load elsewhere on the machine skews one round, not the figure.
	const round = 25
	bodies := make([]string, 200)
	for i := range bodies {
		bodies[i] = sprintf(imBody, a.ID, d.Token, "req-"+strconv.Itoa(i))
	}
	rw := &nopWriter{h: http.Header{}}
	var ratios []float64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		if done%len(bodies) == 0 {
			b.StopTimer()
			w.Reset()
			_, _ = w.AddApp(a)
			_, _ = w.Register(d)
			e.mu.Lock()
			e.stateLocked()
			e.tokens[token] = authToken{appID: a.ID, expires: w.Now().Add(time.Hour)}
			e.mu.Unlock()
			b.StartTimer()
		}
		first := done % len(bodies)
		t0 := time.Now()
		for i := range round {
			clear(rw.h)
			full.ServeHTTP(rw, request("/message/send", token, &rewindBody{s: bodies[first+i]}))
		}
		t1 := time.Now()
		for i := range round {
			clear(rw.h)
			bare.ServeHTTP(rw, request("/message/send", token, &rewindBody{s: bodies[first+i]}))
		}
		ratios = append(ratios, float64(time.Since(t1))/float64(t1.Sub(t0)))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
}
