package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/harness"
)

func init() { subcommands = append(subcommands, newSendCmd()) }

type sendOptions struct {
	emulators string
	app       string
	vendor    string
	to        []string
	certs     string
	business  int
	title     string
	body      string
	ext       string
	channel   string
	timeout   time.Duration
}

func newSendCmd() *cobra.Command {
	var o sendOptions
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Send one notification through a vendor's API with the built-in vendor client",
		Long: `Send one notification through a vendor's real API with the dispatcher's
built-in vendor client: it signs, fetches auth tokens and batches exactly as
the dispatcher does, so it is the quickest way to reach a phone of the
signing vendors (OPPO, vivo, Meizu) and the OAuth vendors (Huawei, FCM) from a
shell.

Against a running pushsim serve (--emulators URL, default
http://127.0.0.1:4800), the app's credentials come from the control plane and
--to names phones (their tokens are looked up) or gives raw tokens. With
--certs FILE --business-id N the certificate comes from a file instead, and
--to must give tokens; that also works against the real vendor hosts.`,
		Example: `  pushsim send --vendor oppo --to alice-oppo --title Bob --body "Lunch at noon?"
  pushsim send --vendor vivo --app demo --to alice-vivo,bob-vivo --title Bob --body hi --ext '{"conv":"c2c_bob"}'
  pushsim send --certs certs.yaml --business-id 3 --to OPPO_CN_0123... --title Bob --body hi`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSend(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.emulators, "emulators", "http://127.0.0.1:4800", "a running pushsim serve")
	f.StringVar(&o.vendor, "vendor", "", "vendor: xiaomi, huawei, oppo, vivo, meizu, fcm, ...")
	f.StringVar(&o.app, "app", "demo", "the app's name on the emulators' console")
	f.StringSliceVar(&o.to, "to", nil, "phone names (looked up on the emulators) or push tokens, comma-separated")
	f.StringVar(&o.certs, "certs", "", "take the certificate from this file instead of the emulators' console")
	f.IntVar(&o.business, "business-id", 0, "the certificate's business_id, with --certs")
	f.StringVar(&o.title, "title", "pushsim", "notification title")
	f.StringVar(&o.body, "body", "hello from pushsim", "notification body")
	f.StringVar(&o.ext, "ext", "", "ext string handed to the app on tap (byte-identical)")
	f.StringVar(&o.channel, "channel", "", "vendor channel id (default: the certificate's)")
	f.DurationVar(&o.timeout, "timeout", 20*time.Second, "give up after this long")
	return cmd
}

func runSend(ctx context.Context, out io.Writer, o sendOptions) error {
	if len(o.to) == 0 {
		return errors.New("--to: give at least one phone name or token")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	hc := &http.Client{Timeout: o.timeout}
	opt := push.Options{HTTPClient: hc, Timeout: o.timeout}
	var cert push.Certificate
	tokens := o.to
	if o.certs != "" {
		certs, err := dispatcher.LoadCertificates(o.certs)
		if err != nil {
			return err
		}
		found := false
		for _, c := range certs {
			if c.BusinessID == o.business {
				cert, found = c, true
			}
		}
		if !found {
			return fmt.Errorf("--business-id %d: no such certificate in %s", o.business, o.certs)
		}
	} else {
		if o.vendor == "" {
			return errors.New("--vendor: required unless --certs is given")
		}
		base := strings.TrimRight(o.emulators, "/")
		var app world.App
		if err := fetchJSON(ctx, hc, base+"/_pushsim/apps/"+url.PathEscape(o.vendor)+"/"+url.PathEscape(o.app), &app); err != nil {
			return fmt.Errorf("--vendor %s --app %s: %w", o.vendor, o.app, err)
		}
		cert = harness.Certificate(&app, 1, base+"/"+o.vendor)
		// Signed requests carry timestamps the emulator checks against its
		// own clock, which may be virtual: follow it.
		var clock struct {
			Now time.Time `json:"now"`
		}
		if err := fetchJSON(ctx, hc, base+"/_pushsim/clock", &clock); err == nil && !clock.Now.IsZero() {
			offset := time.Until(clock.Now)
			opt.Now = func() time.Time { return time.Now().Add(offset) }
		}
		tokens = make([]string, len(o.to))
		for i, to := range o.to {
			var dev world.Device
			if err := fetchJSON(ctx, hc, base+"/_pushsim/devices/"+url.PathEscape(to), &dev); err == nil {
				tokens[i] = dev.Token
			} else {
				tokens[i] = to // not a phone name: a raw token
			}
		}
	}
	client, err := dispatcher.NewClient(cert, opt)
	if err != nil {
		return err
	}
	p := push.Push{
		ID:       fmt.Sprintf("cli-%d", time.Now().UnixNano()),
		Title:    o.title,
		Body:     o.body,
		Ext:      o.ext,
		Channel:  cert.Channel,
		Class:    cert.Class,
		Category: cert.Category,
		Sound:    cert.Sound,
		Click:    cert.Click,
	}
	if o.channel != "" {
		p.Channel = o.channel
	}
	results := client.Send(ctx, p, tokens)
	failed := 0
	for _, r := range results {
		name := r.Token
		for j, t := range tokens {
			if t == r.Token {
				name = o.to[j]
			}
		}
		line := fmt.Sprintf("%s %s: %s", cert.Vendor, name, r.Kind)
		if r.Code != "" {
			line += " code=" + r.Code
		}
		if r.MessageID != "" {
			line += " message_id=" + r.MessageID
		}
		if r.Reason != "" {
			line += " (" + r.Reason + ")"
		}
		fmt.Fprintln(out, line)
		if r.Kind != push.Sent {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d not sent", failed, len(results))
	}
	return nil
}

// fetchJSON GETs url and decodes a 200 answer into v.
func fetchJSON(ctx context.Context, hc *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
