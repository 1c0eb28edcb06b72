package xiaomi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
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
		return 0, errEOF
	}
	n := copy(p, b.s[b.i:])
	b.i += n
	return n, nil
}
func (b *rewindBody) Close() error { return nil }

// benchSetup is a world with one demo app and one phone, and a typical IM
// notification to it on the private channel, on the world's default caps.
func benchSetup(b *testing.B) (*Emulator, *world.VirtualClock, *http.Request, *rewindBody) {
	clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
	w := world.New(world.Options{Clock: clock})
	e := New(w).(*Emulator)
	a := world.App{Vendor: "xiaomi", Name: "chat"}
	e.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		b.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: "xiaomi", App: "chat", Token: e.NewToken(app)})
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{
		"registration_id":         {d.Token},
		"restricted_package_name": {app.Package},
		"title":                   {"Bob"},
		"description":             {"晚上一起吃饭吗？"},
		"payload":                 {`{"conv":"c_1","seq":"42"}`},
		"notify_id":               {"12"},
		"extra.channel_id":        {"high_im"},
		"extra.notify_effect":     {"2"},
		"extra.intent_uri":        {"intent:#Intent;component=com.example.chat/.Chat;S.conv=c_1;end"},
		"extra.conv":              {"c_1"},
	}.Encode()
	body := &rewindBody{s: form}
	r, _ := http.NewRequest(http.MethodPost, "/v3/message/regid", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	r.Header.Set("Authorization", "key="+app.Secret)
	r.Body = body
	r.ContentLength = int64(len(form))
	return e, clock, r, body
}

// BenchmarkSend is the whole emulator on the send path: routing, auth, rate
// limit, decoding, validation, quota, ledger, delivery to the phone.
func BenchmarkSend(b *testing.B) {
	e, clock, r, body := benchSetup(b)
	h := e.Handler()
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		clock.Advance(2500 * time.Microsecond) // 400 requests a second: under the 500 QPS limit
		h.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK || w.n == 0 {
		b.Fatalf("status %d", w.code)
	}
	if s, _ := e.w.Shade(e.w.Devices("xiaomi")[0].ID); len(s.Shown) != 1 || s.Shown[0].Title != "Bob" {
		b.Fatalf("shade: %+v", s.Shown)
	}
}

// BenchmarkBareHandler is the floor BenchmarkSend is compared against: a
// handler that only parses the form (net/http's ParseForm) and writes the
// success JSON (encoding/json), as one would write a minimal Xiaomi stub.
func BenchmarkBareHandler(b *testing.B) {
	_, _, r, body := benchSetup(b)
	benchBare(b, stdBare(), r, body)
}

// BenchmarkBareDecoder is a stricter floor: the emulator's own form decoder
// and JSON writer, nothing else.
func BenchmarkBareDecoder(b *testing.B) {
	_, _, r, body := benchSetup(b)
	benchBare(b, ownBare(), r, body)
}

// BenchmarkSendVsBare runs the full send path and each floor in alternating
// short rounds, so load elsewhere on the machine slows all alike, and reports
// the medians of full/bare throughput: "ratio" against BareHandler (target
// ≥ 0.6) and "ratio-own-decoder" against BareDecoder.
func BenchmarkSendVsBare(b *testing.B) {
	e, clock, r, body := benchSetup(b)
	full, std, own := e.Handler(), stdBare(), ownBare()
	w := &nopWriter{h: http.Header{}}
	const round = 50
	timeRound := func(h http.Handler, advance bool) time.Duration {
		t0 := time.Now()
		for range round {
			body.i = 0
			r.Body = body
			if advance {
				clock.Advance(2500 * time.Microsecond)
			}
			h.ServeHTTP(w, r)
		}
		return time.Since(t0)
	}
	var vsStd, vsOwn []float64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		f := timeRound(full, true)
		vsStd = append(vsStd, float64(timeRound(std, false))/float64(f))
		vsOwn = append(vsOwn, float64(timeRound(own, false))/float64(f))
	}
	b.StopTimer()
	slices.Sort(vsStd)
	slices.Sort(vsOwn)
	b.ReportMetric(vsStd[len(vsStd)/2], "ratio")
	b.ReportMetric(vsOwn[len(vsOwn)/2], "ratio-own-decoder")
}

func stdBare() http.Handler {
	type data struct {
		ID       string `json:"id"`
		DayAcked string `json:"day_acked"`
		DayQuota string `json:"day_quota"`
	}
	type answer struct {
		Result      string `json:"result"`
		TraceID     string `json:"trace_id"`
		Code        int    `json:"code"`
		Data        data   `json:"data"`
		Description string `json:"description"`
		Info        string `json:"info"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, defMaxBody)
		r.PostForm, r.Form = nil, nil
		if err := r.ParseForm(); err != nil || r.PostForm.Get("registration_id") == "" {
			panic("bad form")
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		json.NewEncoder(w).Encode(answer{Result: "ok", TraceID: "Xlm51b08471461727617kl", //nolint:errcheck
			Data: data{ID: "slm51b08471461727618yf", DayAcked: "1", DayQuota: "-1"}, Description: "成功",
			Info: "Received push messages for 1 REGID"})
	})
}

func ownBare() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := getBuf()
		defer putBuf(buf)
		*buf, _ = world.ReadBody(r, defMaxBody, (*buf)[:0])
		f := formPool.Get().(*form)
		f.reset()
		if err := decode(*buf, "registration_id", f); err != nil || len(f.targets) != 1 {
			panic("bad form")
		}
		formPool.Put(f)
		out := getBuf()
		defer putBuf(out)
		*out = appendSuccess(*out, "Xlm51b08471461727617kl", &success{id: "slm51b08471461727618yf", dayAcked: 1, dayQuota: -1, info: "REGID", targets: 1})
		writeJSON(w, http.StatusOK, *out)
	})
}

func benchBare(b *testing.B, h http.Handler, r *http.Request, body *rewindBody) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		r.Body = body
		h.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK || w.n == 0 {
		b.Fatalf("status %d", w.code)
	}
}

var errEOF = io.EOF
