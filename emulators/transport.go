package emulators

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"syscall"

	"github.com/pushsim/pushsim/emulators/faults"
)

// roundTripper hands a request to the emulators in memory: no socket, no
// serialisation, the handler's answer returned as the client's response.
// It is on every request of an in-process fan-out (100 000 phones are
// 17 000 requests a message), so it copies no more than net/http's own
// server would: the request shallowly, the answer not at all.
type roundTripper struct{ s *Server }

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	// A RoundTripper must not change the caller's request, and handlers
	// expect what net/http's server gives them: a non-nil body, a Host, a
	// RequestURI. The copy shares the caller's Header and URL, as
	// Request.WithContext does; no emulator writes to either.
	in := new(http.Request)
	*in = *r
	if in.Host == "" {
		in.Host = r.URL.Host
	}
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.URL.Path == "" {
		u := *r.URL
		u.Path = "/"
		in.URL = &u
	}
	if in.RequestURI == "" {
		in.RequestURI = in.URL.RequestURI()
	}
	rec := &memResponse{header: make(http.Header, 4)}
	aborted, err := rt.serve(rec, in)
	if r.Body != nil {
		r.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	return rec.response(r, aborted), nil
}

// serve runs the handler as net/http's server would, where an aborted
// handler (http.ErrAbortHandler, an injected reset or hang) closes the
// connection: with nothing written that is an error for the client.
func (rt roundTripper) serve(rec *memResponse, in *http.Request) (aborted bool, err error) {
	defer func() {
		switch p := recover().(type) {
		case nil:
		case faults.Abort:
			err = p.Err
		case error:
			if p != http.ErrAbortHandler {
				panic(p)
			}
			if rec.body.Len() == 0 {
				err = fmt.Errorf("pushsim: connection reset by the vendor (injected fault): %w", syscall.ECONNRESET)
			}
			aborted = true
		default:
			panic(p)
		}
	}()
	rt.s.ServeHTTP(rec, in)
	return false, nil
}

// memResponse is the http.ResponseWriter of the in-memory transport. Unlike
// httptest.ResponseRecorder it does not snapshot the header when the status
// is written: the map itself becomes the response's (no emulator changes a
// header after writing the status).
type memResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

var _ faults.InMemoryWriter = (*memResponse)(nil)

func (m *memResponse) Header() http.Header { return m.header }

func (m *memResponse) WriteHeader(code int) {
	if m.status != 0 || code < 100 || code > 999 {
		return
	}
	m.status = code
}

func (m *memResponse) Write(p []byte) (int, error) {
	if m.status == 0 {
		m.status = http.StatusOK
	}
	if m.body.Len() == 0 && len(p) > 0 {
		// As net/http's server does: an unset Content-Type is sniffed from
		// the first bytes written.
		if _, ok := m.header["Content-Type"]; !ok && m.header.Get("Transfer-Encoding") == "" {
			m.header.Set("Content-Type", http.DetectContentType(p))
		}
	}
	return m.body.Write(p)
}

func (m *memResponse) WriteString(s string) (int, error) { return m.Write([]byte(s)) }

// Flush is a no-op: the client sees the answer when the handler returns.
func (m *memResponse) Flush() {}

// InMemory marks the writer for the fault injector: a hang on a virtual
// clock ends at once with the client's timeout, as no connection waits.
func (m *memResponse) InMemory() {}

// response is the client's view of the answer. A body cut off by an
// aborted handler (an injected fault) ends in io.ErrUnexpectedEOF, as a
// connection closed mid-body does.
func (m *memResponse) response(req *http.Request, aborted bool) *http.Response {
	status := m.status
	if status == 0 {
		status = http.StatusOK
	}
	resp := &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        m.header,
		ContentLength: -1,
		Request:       req,
	}
	if cl := m.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil {
			resp.ContentLength = n
		}
	} else if !aborted {
		resp.ContentLength = int64(m.body.Len())
	}
	var body io.Reader = bytes.NewReader(m.body.Bytes())
	if aborted {
		body = io.MultiReader(body, errReader{io.ErrUnexpectedEOF})
	}
	resp.Body = io.NopCloser(body)
	return resp
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
