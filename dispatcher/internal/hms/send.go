package hms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Reply is one send answer as read off the wire. A vendor's answer type
// embeds it and adds its own JSON fields; Code is the one field both
// vendors send under the same key (a string at Huawei, a number at Honor).
type Reply struct {
	Code       push.Text     `json:"code"`
	Status     int           `json:"-"`
	Transport  error         `json:"-"` // the request failed, or its answer could not be read
	Parsed     bool          `json:"-"` // the body is JSON with a code
	Raw        []byte        `json:"-"`
	RetryAfter time.Duration `json:"-"`
}

func (r *Reply) reply() *Reply { return r }

// Answer is a vendor's send answer: a type that embeds Reply and maps
// itself onto one Result per token.
type Answer interface {
	reply() *Reply
	// AuthRefused: the bearer was not accepted, so a fresh one is worth a
	// second try. Reply's serves unless a vendor has more such codes.
	AuthRefused() bool
	// Results appends one Result per token to out.
	Results(out []push.Result, tokens []string) []push.Result
}

// Auth gives a batch its bearer: an OAuth access token (Huawei v1, Honor)
// or a self-signed JWT (Huawei v3).
type Auth interface {
	// Bearer returns the cached bearer, or a new one; stale is a bearer the
	// server just refused ("" = none), replaced even if it looks valid.
	Bearer(ctx context.Context, stale string) (string, error)
	// Failure is every token's result when no bearer could be had.
	Failure(err error) push.Result
}

// Request is a vendor's send body for one push.
type Request interface {
	// WithTokens addresses the body to batch and returns it, to marshal.
	WithTokens(batch []string) any
}

// Sender sends one client's batches to its send URL. A client fills it
// in New and keeps it; it is safe for concurrent use.
type Sender struct {
	Options   push.Options // the HTTP client, timeout and clock
	URL       string
	Auth      Auth
	BatchSize int // the most tokens one request carries
	// Marshal encodes a request: push.Marshal, or json.Marshal where a
	// client has always escaped HTML (Huawei v1).
	Marshal func(any) ([]byte, error)
	// Answer is a new, empty answer of the vendor's type.
	Answer func() Answer
}

// Send sends req to tokens in batches of at most BatchSize, with raw
// (Push.Raw) applied to each batch's body as Encode does (an error rejects
// the batch) and the headers header sets for a bearer from Auth.
// A batch is posted once more with a fresh bearer when the first was
// refused, and its answer gives each token its Result. That is one attempt
// per batch (plus the one refresh): the dispatcher core retries Retryable
// results.
func (s *Sender) Send(ctx context.Context, tokens []string, raw map[string]string, req Request, header func(h http.Header, bearer string)) []push.Result {
	if len(tokens) == 0 {
		return nil
	}
	out := make([]push.Result, 0, len(tokens))
	for batch := range slices.Chunk(tokens, s.BatchSize) {
		body, err := Encode(req.WithTokens(batch), raw, s.Marshal)
		if err != nil {
			out = push.AppendAll(out, batch, push.Result{Kind: push.Rejected, Code: "request", Reason: err.Error()})
			continue
		}
		out = s.sendBatch(ctx, batch, body, header, out)
	}
	return out
}

func (s *Sender) sendBatch(ctx context.Context, tokens []string, body []byte, header func(http.Header, string), out []push.Result) []push.Result {
	bearer, err := s.Auth.Bearer(ctx, "")
	if err != nil {
		return push.AppendAll(out, tokens, s.Auth.Failure(err))
	}
	a := s.post(ctx, body, bearer, header)
	if a.AuthRefused() {
		if bearer, err = s.Auth.Bearer(ctx, bearer); err != nil {
			return push.AppendAll(out, tokens, s.Auth.Failure(err))
		}
		a = s.post(ctx, body, bearer, header)
	}
	return a.Results(out, tokens)
}

// post sends body with the headers header sets and reads the answer: its
// status, Retry-After and body, and the body's JSON into the vendor's
// answer. Neither vendor documents which HTTP status goes with a code
// (Huawei v1 §1.8, Honor §2.7), so the JSON decides whatever the status:
// Parsed says whether the body read as JSON with a code.
func (s *Sender) post(ctx context.Context, body []byte, bearer string, header func(http.Header, string)) Answer {
	a := s.Answer()
	r := a.reply()
	ctx, cancel := context.WithTimeout(ctx, s.Options.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		r.Transport = err
		return a
	}
	header(req.Header, bearer)
	resp, err := s.Options.HTTPClient.Do(req)
	if err != nil {
		r.Transport = err
		return a
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	r.Status, r.Raw, r.RetryAfter = resp.StatusCode, b, push.RetryAfter(resp.Header.Get("Retry-After"), s.Options.Now())
	if err != nil {
		r.Transport = fmt.Errorf("reading answer: %w", err)
		return a
	}
	r.Parsed = json.Unmarshal(b, a) == nil && r.Code != ""
	return a
}

// AuthRefused: the access token was not accepted (expired, revoked or
// unknown: 80200001, 80200003, or a bare 401), so a fresh one is worth a
// second try.
func (r *Reply) AuthRefused() bool {
	if r.Parsed {
		return r.Code == CodeAuth || r.Code == CodeExpired
	}
	return r.Transport == nil && r.Status == http.StatusUnauthorized
}

// Whole is the result every token of the batch gets when the answer
// decides for all of them before its code is read (whole = true): the
// request failed, the body is not JSON with a code, or the server is
// overloaded or failing (5xx and 429 pass whatever code comes with them).
// msg is the answer's message.
func (r *Reply) Whole(msg string) (res push.Result, whole bool) {
	overloaded := r.Status >= 500 || r.Status == http.StatusTooManyRequests
	switch {
	case r.Transport != nil:
		return push.Result{Kind: push.Retryable, Code: "transport", Reason: r.Transport.Error(), RetryAfter: r.RetryAfter}, true
	case !r.Parsed && overloaded:
		return push.Result{Kind: push.Retryable, Code: httpCode(r.Status), Reason: http.StatusText(r.Status), RetryAfter: r.RetryAfter}, true
	case !r.Parsed && r.Status == http.StatusOK:
		// A 200 that cannot be read may or may not have been accepted;
		// there is no idempotency key, but losing a message is worse than
		// a repeat.
		return push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: push.Snippet(r.Raw)}, true
	case !r.Parsed:
		return push.Result{Kind: push.Rejected, Code: httpCode(r.Status), Reason: push.Snippet(r.Raw)}, true
	case overloaded:
		return push.Result{Kind: push.Retryable, Code: string(r.Code), Reason: msg, RetryAfter: r.RetryAfter}, true
	}
	return push.Result{}, false
}

func httpCode(status int) string { return "HTTP " + strconv.Itoa(status) }
