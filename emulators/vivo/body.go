package vivo

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
)

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		b.Reset()
		bufs.Put(b)
	}
}

// readBody reads at most limit bytes of the request body. A body that is
// larger, or that breaks off, comes back empty with a note for the ledger.
func readBody(w http.ResponseWriter, r *http.Request, limit int) (*bytes.Buffer, string) {
	buf := bufs.Get().(*bytes.Buffer)
	if r.Body == nil {
		return buf, ""
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, int64(limit)))
	if err == nil {
		return buf, ""
	}
	buf.Reset()
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return buf, "body larger than " + strconv.Itoa(limit) + " bytes, read as empty"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return buf, "body broke off, read as empty"
	}
	return buf, "body unreadable (" + err.Error() + "), read as empty"
}

// ledgerBody keeps at most 2 KiB of a request body in the ledger.
func ledgerBody(b []byte) string {
	const max = 2048
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
