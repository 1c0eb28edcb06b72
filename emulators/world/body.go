package world

import (
	"io"
	"net/http"
)

// Preread is a request body already in memory: the fault injector reads
// every vendor request ahead of the vendor (emulators/faults). ReadBody
// hands its unread bytes to the vendor without a second copy.
type Preread interface {
	// Unread returns the bytes not read yet and moves the body to its end.
	Unread() []byte
}

// ReadBody reads r's body, appending to buf (which may be nil or a pooled
// buffer), and fails with *http.MaxBytesError past limit bytes (limit <= 0:
// no limit), returning the first limit bytes with it, as io.ReadAll of an
// http.MaxBytesReader does. A declared Content-Length only sizes the
// buffer: in-process callers can declare anything. A Preread body comes
// back as it is, not appended to buf.
func ReadBody(r *http.Request, limit int, buf []byte) ([]byte, error) {
	if r.Body == nil {
		return buf, nil
	}
	if p, ok := r.Body.(Preread); ok {
		b := p.Unread()
		if limit > 0 && len(b) > limit {
			return b[:limit], &http.MaxBytesError{Limit: int64(limit)}
		}
		return b, nil
	}
	if n := r.ContentLength; n > 0 && (limit <= 0 || n <= int64(limit)) && cap(buf)-len(buf) <= int(n) {
		grown := make([]byte, len(buf), len(buf)+int(n)+1) // +1: EOF without growing
		copy(grown, buf)
		buf = grown
	}
	start := len(buf)
	for {
		if limit > 0 && len(buf)-start > limit {
			return buf[:start+limit], &http.MaxBytesError{Limit: int64(limit)}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if limit > 0 && len(buf)-start > limit {
				return buf[:start+limit], &http.MaxBytesError{Limit: int64(limit)}
			}
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
