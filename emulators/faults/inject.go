package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Options configure an Injector.
type Options struct {
	// Slow is how late a request carrying a SLOW token is answered (0 = 2s).
	Slow time.Duration
	// NoMagic turns the QUOTA and SLOW magic tokens off.
	NoMagic bool
}

// maxScan bounds the body the injector reads ahead of the vendor. A longer
// body reaches the vendor unread (its own size limit answers it) and is
// not searched for tokens.
const maxScan = 1 << 20

// maxHang bounds a hang whose client never gives up.
const maxHang = 10 * time.Minute

// Injector applies a Set and the magic tokens to the requests of the
// world's vendors. It is safe for concurrent use.
type Injector struct {
	set  *Set
	w    *world.World
	opts Options
	done chan struct{}
	once sync.Once
}

// NewInjector returns an injector of set's rules over w.
func NewInjector(w *world.World, set *Set, opts Options) *Injector {
	if opts.Slow <= 0 {
		opts.Slow = 2 * time.Second
	}
	return &Injector{set: set, w: w, opts: opts, done: make(chan struct{})}
}

// Set returns the injector's rules.
func (in *Injector) Set() *Set { return in.set }

// Close ends the hangs in progress (a server shutting down).
func (in *Injector) Close() { in.once.Do(func() { close(in.done) }) }

// Serve hands one vendor request (its path the vendor's real path) to the
// vendor, unless a rule or a magic token decides otherwise.
func (in *Injector) Serve(v world.Vendor, w http.ResponseWriter, r *http.Request) {
	body, whole := readAhead(r)
	q := request{in: in, v: v, r: r, body: body, whole: whole, vendor: v.Name(), path: r.URL.Path}
	if in.set.Len() > 0 {
		if rule, ok := in.set.pick(&q); ok {
			in.fire(w, &q, &rule)
			return
		}
	}
	if !in.opts.NoMagic && whole && (bytes.Contains(body, magicQuota) || bytes.Contains(body, magicSlow)) {
		quota, slow := in.magic(&q)
		switch {
		case quota:
			in.fire(w, &q, &Rule{ID: "magic-" + world.MagicQuota, Action: VendorCode, Code: world.FaultQuota})
			return
		case slow:
			in.fire(w, &q, &Rule{ID: "magic-" + world.MagicSlow, Action: Latency, Latency: Duration(in.opts.Slow)})
			return
		}
	}
	v.Handler().ServeHTTP(w, r)
}

// target finds the app and tokens of a request: the vendor says, or the
// app is guessed from its credentials.
func (in *Injector) target(q *request) (string, []string) {
	if !q.whole {
		return "", nil
	}
	if t, ok := q.v.(world.FaultTargeter); ok {
		q.r.Body = newBody(q.body)
		app, tokens := t.FaultTarget(q.r, q.body)
		q.r.Body = newBody(q.body)
		return app, tokens
	}
	return in.guessApp(q.vendor, q.r, q.body), nil
}

var (
	magicQuota = []byte(world.MagicQuota)
	magicSlow  = []byte(world.MagicSlow)
)

// magic reports whether a target token carries QUOTA or SLOW. A vendor
// that cannot name its targets has its whole body searched.
func (in *Injector) magic(q *request) (quota, slow bool) {
	if _, ok := q.v.(world.FaultTargeter); !ok {
		return bytes.Contains(q.body, magicQuota), bytes.Contains(q.body, magicSlow)
	}
	q.resolve()
	for _, t := range q.tokens {
		quota = quota || strings.Contains(t, world.MagicQuota)
		slow = slow || strings.Contains(t, world.MagicSlow)
	}
	return quota, slow
}

// readAhead reads the request body (up to maxScan) and puts it back for
// the vendor. whole is false when the body was longer, or could not be
// read: the vendor then reads it as it was.
func readAhead(r *http.Request) (body []byte, whole bool) {
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = http.NoBody
		return nil, true
	}
	size := 512
	if r.ContentLength > 0 && r.ContentLength <= maxScan {
		size = int(r.ContentLength) + 1 // +1: EOF without growing
	}
	orig := r.Body
	buf := make([]byte, 0, size)
	var err error
	for {
		if len(buf) == cap(buf) {
			if len(buf) > maxScan {
				break
			}
			buf = append(buf, 0)[:len(buf)]
		}
		var n int
		n, err = orig.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	switch {
	case err != nil && err != io.EOF:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), errReader{err}), orig}
		return buf, false
	case len(buf) > maxScan:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), orig), orig}
		return buf, false
	}
	b := &bodyReader{orig: orig, buf: buf}
	b.Reset(buf)
	r.Body = b
	return buf, true
}

// bodyReader is the read-ahead body handed to the vendor (one allocation);
// world.ReadBody takes its bytes without copying them again.
type bodyReader struct {
	bytes.Reader
	buf  []byte
	orig io.Closer
}

var _ world.Preread = (*bodyReader)(nil)

func (b *bodyReader) Unread() []byte {
	rest := b.buf[len(b.buf)-b.Len():]
	_, _ = b.Seek(0, io.SeekEnd)
	return rest
}

func (b *bodyReader) Close() error { return b.orig.Close() }

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func newBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// guessApp finds the app of a vendor that does not say: the one whose id,
// key or secret appears in the path, the Authorization header or the body.
func (in *Injector) guessApp(vendor string, r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	var name string
	in.w.FindAppShared(vendor, func(a *world.App) bool {
		for _, s := range [...]string{a.ID, a.Key, a.Secret} {
			if len(s) >= 4 && (strings.Contains(r.URL.Path, s) || strings.Contains(auth, s) || bytes.Contains(body, []byte(s))) {
				name = a.Name
				return true
			}
		}
		return false
	})
	return name
}

// fire does what rule says to the request.
func (in *Injector) fire(w http.ResponseWriter, q *request, rule *Rule) {
	v, r, body := q.v, q.r, q.body
	q.resolve()
	entry := world.Entry{
		Kind: world.KindRequest, Vendor: v.Name(), App: q.app, Method: r.Method, Path: r.URL.Path,
		Tokens: q.tokens, Verdict: world.VerdictRejected, Rule: world.FaultRule(v.Name()),
	}
	what := "fault " + rule.ID
	if strings.HasPrefix(rule.ID, "magic-") {
		what = "magic token " + strings.TrimPrefix(rule.ID, "magic-")
	}
	switch rule.Action {
	case VendorCode, HTTPStatus:
		var (
			status int
			h      http.Header
			b      []byte
		)
		if rule.Action == VendorCode {
			r.Body = newBody(body)
			status, h, b = in.answer(v, rule.Code, r)
			entry.Code = rule.Code
			entry.Reason = fmt.Sprintf("%s: answered %s code %s", what, v.Name(), rule.Code)
		} else {
			status, h = rule.Status, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
			b = []byte(http.StatusText(status) + "\n")
			entry.Code = strconv.Itoa(status)
			entry.Reason = fmt.Sprintf("%s: answered HTTP %d", what, status)
		}
		if rule.RetryAfter > 0 {
			if h == nil {
				h = http.Header{}
			}
			h.Set("Retry-After", strconv.Itoa(int((time.Duration(rule.RetryAfter)+time.Second-1)/time.Second)))
			entry.Reason += ", Retry-After " + h.Get("Retry-After") + "s"
		}
		entry.Status, entry.Response = status, clip(b)
		in.w.Record(entry)
		for k, vs := range h {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		_, _ = w.Write(b) // the client went away: nothing to do
	case Latency:
		d := time.Duration(rule.Latency)
		entry.Kind, entry.Verdict = world.KindFault, world.VerdictAccepted
		entry.Reason = fmt.Sprintf("%s: answered %s late", what, d)
		in.w.Record(entry)
		if !in.wait(r.Context(), d) {
			panic(http.ErrAbortHandler) // the client gave up before the vendor saw the request
		}
		v.Handler().ServeHTTP(w, r)
	case Hang:
		entry.Reason = what + ": no answer until the client gave up"
		in.w.Record(entry)
		if dl, ok := r.Context().Deadline(); ok && inMemory(w) && in.virtual() {
			// In memory on a virtual clock nothing waits: the clock moves
			// to the client's deadline and the client times out at once.
			in.wait(r.Context(), time.Until(dl))
			panic(Abort{Err: errTimeout})
		}
		t := time.NewTimer(maxHang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-in.done:
		case <-t.C:
		}
		panic(http.ErrAbortHandler)
	case Reset:
		entry.Reason = what + ": connection reset"
		in.w.Record(entry)
		reset(w)
	case Truncated, Malformed:
		c := &capture{h: http.Header{}, status: http.StatusOK}
		v.Handler().ServeHTTP(c, r)
		entry.Kind, entry.Verdict, entry.Status = world.KindFault, world.VerdictAccepted, c.status
		full := c.buf.Bytes()
		for k, vs := range c.h {
			w.Header()[k] = vs
		}
		if rule.Action == Truncated {
			entry.Reason = fmt.Sprintf("%s: the vendor's answer cut after %d of %d bytes", what, len(full)/2, len(full))
			entry.Response = clip(full[:len(full)/2])
			in.w.Record(entry)
			if len(full) < 2 { // nothing to cut in two: the connection just closes
				reset(w)
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			w.WriteHeader(c.status)
			_, _ = w.Write(full[:len(full)/2])
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			panic(http.ErrAbortHandler)
		}
		bad := append(full[:len(full)/2:len(full)/2], "\x00<html>pushsim: malformed answer</html>"...)
		entry.Reason = what + ": the vendor's answer replaced by a malformed body"
		entry.Response = clip(bad)
		in.w.Record(entry)
		w.Header().Set("Content-Length", strconv.Itoa(len(bad)))
		w.WriteHeader(c.status)
		_, _ = w.Write(bad)
	}
}

// answer is the vendor's own answer for a fault code, or a plain JSON one.
func (in *Injector) answer(v world.Vendor, code string, r *http.Request) (int, http.Header, []byte) {
	if fa, ok := v.(world.FaultAnswerer); ok {
		status, h, b := fa.FaultAnswer(code, r)
		if h == nil {
			h = http.Header{}
		}
		return status, h, b
	}
	status := http.StatusOK
	switch code {
	case world.FaultRate, world.FaultQuota:
		status = http.StatusTooManyRequests
	case world.FaultUnavailable:
		status = http.StatusServiceUnavailable
	case world.FaultAuthExpired:
		status = http.StatusUnauthorized
	case world.FaultTokenInvalid:
		status = http.StatusNotFound
	}
	b, _ := json.Marshal(map[string]string{"code": code, "message": "pushsim: injected fault"})
	return status, http.Header{"Content-Type": {"application/json"}}, b
}

// InMemoryWriter marks the response writer of an in-memory transport
// (emulators.Server.Client): no connection waits there, so a hang on a
// virtual clock ends at once in the client's timeout (Abort).
type InMemoryWriter interface{ InMemory() }

// Abort is what the injector panics with, in memory only (w is an
// InMemoryWriter or an *httptest.ResponseRecorder), for a request that gets no answer at all:
// the in-memory transport returns Err instead of a response.
type Abort struct{ Err error }

// errTimeout is a client's timeout as the in-memory transport reports it.
var errTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string {
	return "pushsim: the vendor did not answer before the client's deadline (injected hang): " + context.DeadlineExceeded.Error()
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
func (timeoutError) Unwrap() error   { return context.DeadlineExceeded }

func inMemory(w http.ResponseWriter) bool {
	switch w.(type) {
	case InMemoryWriter, *httptest.ResponseRecorder:
		return true
	}
	return false
}

func (in *Injector) virtual() bool {
	_, ok := in.w.Clock().(interface{ Advance(time.Duration) time.Time })
	return ok
}

// wait lets d pass before the vendor answers: on a virtual clock the clock
// moves (and what became due is delivered); on a real one the request
// waits, unless the client gives up first.
func (in *Injector) wait(ctx context.Context, d time.Duration) bool {
	if c, ok := in.w.Clock().(interface{ Advance(time.Duration) time.Time }); ok {
		c.Advance(d)
		in.w.Tick()
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-in.done:
	}
	return false
}

// reset closes the connection without an answer: a TCP reset where the
// connection can be taken over, else an aborted handler (the in-memory
// transport turns it into an error).
func reset(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func clip(b []byte) string {
	const n = 2048
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// capture keeps a vendor's answer so that it can be damaged.
type capture struct {
	h      http.Header
	status int
	wrote  bool
	buf    bytes.Buffer
}

func (c *capture) Header() http.Header { return c.h }

func (c *capture) WriteHeader(status int) {
	if !c.wrote {
		c.status, c.wrote = status, true
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.wrote = true
	return c.buf.Write(b)
}
