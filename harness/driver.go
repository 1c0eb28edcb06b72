package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
)

// Driver is a dispatcher reached over the driver protocol (the HTTP JSON API
// of dispatcher/README.md: POST /v1/login, /v1/logout, /v1/kick,
// /v1/foreground, /v1/background, /v1/token, /v1/send, GET /v1/outcomes). It
// is how the harness drives a user's own dispatcher, or `pushsim dispatcher`
// in another process.
type Driver struct {
	// URL is the dispatcher's root (http://127.0.0.1:4900).
	URL string
	// Client makes the calls (nil = a client with a 60s timeout).
	Client *http.Client
	// Namespace goes in front of every user and device name sent, and is
	// taken off the names in outcomes.
	Namespace string

	mu       sync.Mutex
	outcomes map[string][]dispatcher.Outcome // message id → as answered by send
	lastErr  error
}

var _ Dispatcher = (*Driver)(nil)

// DriverTarget returns an Options.NewDispatcher that drives the dispatcher
// at url, one Driver per scenario in the scenario's namespace.
func DriverTarget(url string, client *http.Client) func(env *Env) (Dispatcher, error) {
	return func(env *Env) (Dispatcher, error) {
		return &Driver{URL: strings.TrimRight(url, "/"), Client: client, Namespace: env.Namespace}, nil
	}
}

// DriverError is an error answer of the target: its status and problem.
type DriverError struct {
	Op     string
	Status int
	Type   string
	Detail string
}

func (e *DriverError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d", e.Op, e.Status)
	if e.Type != "" {
		s += " " + strings.TrimPrefix(e.Type, dispatcher.ProblemTypePrefix)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (d *Driver) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return &http.Client{Timeout: 60 * time.Second}
}

func (d *Driver) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client().Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		de := &DriverError{Op: method + " " + path, Status: resp.StatusCode}
		var p dispatcher.Problem
		if json.Unmarshal(b, &p) == nil {
			de.Type, de.Detail = p.Type, p.Detail
		} else {
			de.Detail = cut(string(b), 300)
		}
		return de
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: the answer is not the protocol's JSON: %w", method, path, err)
		}
	}
	return nil
}

type driverDevice struct {
	User       string `json:"user"`
	Device     string `json:"device"`
	Unread     *int   `json:"unread,omitempty"`
	BusinessID int    `json:"business_id,omitempty"`
	Token      string `json:"token,omitempty"`
}

func (d *Driver) device(op string, dv driverDevice) error {
	dv.User, dv.Device = d.Namespace+dv.User, d.Namespace+dv.Device
	return d.call(context.Background(), http.MethodPost, "/v1/"+op, dv, nil)
}

// Login logs user in on device.
func (d *Driver) Login(user, device string) error {
	return d.device("login", driverDevice{User: user, Device: device})
}

// Logout logs user out of device.
func (d *Driver) Logout(user, device string) error {
	return d.device("logout", driverDevice{User: user, Device: device})
}

// Kick marks device as kicked by a login elsewhere.
func (d *Driver) Kick(user, device string) error {
	return d.device("kick", driverDevice{User: user, Device: device})
}

// Foreground reports the app in the foreground.
func (d *Driver) Foreground(user, device string) error {
	return d.device("foreground", driverDevice{User: user, Device: device})
}

// Background reports the app in the background with its unread count.
func (d *Driver) Background(user, device string, unread int) error {
	return d.device("background", driverDevice{User: user, Device: device, Unread: &unread})
}

// ReportToken reports the device's push token under a certificate.
func (d *Driver) ReportToken(user, device string, businessID int, token string) error {
	return d.device("token", driverDevice{User: user, Device: device, BusinessID: businessID, Token: token})
}

// Send hands a message to the target and keeps the outcomes it answers with.
// Names go over in the namespace; the default titles (the sender's and the
// group's id) are passed as the nickname and group name, so the phone shows
// what it would without the namespace.
func (d *Driver) Send(ctx context.Context, m dispatcher.Message) (string, error) {
	ns := d.Namespace
	if ns != "" {
		if m.FromName == "" {
			m.FromName = m.From
		}
		if m.Group != "" && m.GroupName == "" {
			m.GroupName = m.Group
		}
		m.From = ns + m.From
		if m.To != "" {
			m.To = ns + m.To
		}
		if m.Group != "" {
			m.Group = ns + m.Group
		}
		members := make([]string, len(m.Members))
		for i, u := range m.Members {
			members[i] = ns + u
		}
		m.Members = members
	}
	var out struct {
		MessageID string               `json:"message_id"`
		Outcomes  []dispatcher.Outcome `json:"outcomes"`
	}
	if err := d.call(ctx, http.MethodPost, "/v1/send", m, &out); err != nil {
		return "", err
	}
	if out.MessageID == "" {
		return "", errors.New("POST /v1/send: the answer has no message_id")
	}
	d.mu.Lock()
	if d.outcomes == nil {
		d.outcomes = map[string][]dispatcher.Outcome{}
	}
	if out.Outcomes != nil {
		d.outcomes[out.MessageID] = d.strip(out.Outcomes)
	}
	d.mu.Unlock()
	return out.MessageID, nil
}

func (d *Driver) strip(os []dispatcher.Outcome) []dispatcher.Outcome {
	for i := range os {
		os[i].User = strings.TrimPrefix(os[i].User, d.Namespace)
		os[i].Device = strings.TrimPrefix(os[i].Device, d.Namespace)
	}
	return os
}

// Outcomes returns the outcomes that match f: a message's from the answer
// to its send, else from GET /v1/outcomes. A failed call returns none; Err
// says why.
func (d *Driver) Outcomes(f dispatcher.OutcomeFilter) []dispatcher.Outcome {
	d.mu.Lock()
	cached, ok := d.outcomes[f.MessageID]
	d.mu.Unlock()
	if !ok || f.MessageID == "" {
		q := url.Values{}
		if f.MessageID != "" {
			q.Set("message_id", f.MessageID)
		}
		if f.User != "" {
			q.Set("user", d.Namespace+f.User)
		}
		if f.Device != "" {
			q.Set("device", d.Namespace+f.Device)
		}
		var out struct {
			Outcomes []dispatcher.Outcome `json:"outcomes"`
		}
		err := d.call(context.Background(), http.MethodGet, "/v1/outcomes?"+q.Encode(), nil, &out)
		d.mu.Lock()
		d.lastErr = err
		d.mu.Unlock()
		if err != nil {
			return nil
		}
		cached = d.strip(out.Outcomes)
	}
	var res []dispatcher.Outcome
	for i := range cached {
		if f.Match(&cached[i]) {
			res = append(res, cached[i])
		}
	}
	return res
}

// Err is the error of the last GET /v1/outcomes, if it failed.
func (d *Driver) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastErr
}

// Health asks the target for GET /v1/health and returns the business ids of
// the certificates it says it holds (nil when it does not list them).
func (d *Driver) Health(ctx context.Context) (map[int]string, error) {
	var out struct {
		Status       string `json:"status"`
		Certificates []struct {
			BusinessID int    `json:"business_id"`
			Vendor     string `json:"vendor"`
		} `json:"certificates"`
	}
	if err := d.call(ctx, http.MethodGet, "/v1/health", nil, &out); err != nil {
		return nil, err
	}
	if out.Certificates == nil {
		return nil, nil
	}
	ids := map[int]string{}
	for _, c := range out.Certificates {
		ids[c.BusinessID] = c.Vendor
	}
	return ids, nil
}
