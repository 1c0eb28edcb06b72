package emulators

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

// Demo is what SeedDemo set up: per vendor, an app named "demo" and two
// phones, alice-<vendor> and bob-<vendor>.
type Demo struct {
	URL     string       // the server's root when seeded
	Vendors []DemoVendor // in vendor name order
}

// DemoVendor is one vendor's demo app and phones.
type DemoVendor struct {
	Vendor  string
	BaseURL string
	Hosts   []string
	App     world.App
	Phones  []world.Device // alice, then bob
}

// DemoAppName and DemoAndroid describe what SeedDemo creates.
const (
	DemoAppName = "demo"
	DemoAndroid = 33 // Android 13
)

// DemoUsers are the demo phones' owners; phone names are <user>-<vendor>.
var DemoUsers = []string{"alice", "bob"}

// SeedDemo creates, for every vendor of s, an app "demo" whose credentials,
// package and channels the vendor fills in its real formats (Vendor.DemoApp),
// and two Android 13 phones registered for it. What exists already is
// reused, so seeding twice (or after a partial reset) is harmless. Seed after
// Listen or Start so the base URLs in the result are the real ones.
func SeedDemo(s *Server) (Demo, error) {
	w := s.World
	d := Demo{URL: s.URL()}
	for _, name := range s.names {
		v := s.vendors[name]
		app, ok := w.App(name, DemoAppName)
		if !ok {
			a := world.App{Vendor: name, Name: DemoAppName}
			v.DemoApp(&a)
			var err error
			if app, err = w.AddApp(a); err != nil {
				return Demo{}, fmt.Errorf("demo %s app: %w", name, err)
			}
		}
		dv := DemoVendor{Vendor: name, BaseURL: s.BaseURL(name), Hosts: v.Hosts(), App: *app}
		if sa := fcm.ServiceAccountJSON(app, s.BaseURL(name)+"/token"); name == "fcm" && sa != nil {
			// Hand out a key file whose token_uri is this emulator.
			dv.App.Extra = maps.Clone(app.Extra)
			dv.App.Extra[fcm.ExtraServiceAccount] = string(sa)
		}
		for _, user := range DemoUsers {
			phone := user + "-" + name
			dev, ok := w.Device(phone)
			if !ok {
				token := v.NewToken(app)
				if token == "" {
					return Demo{}, fmt.Errorf("demo %s phone %s: the %s emulator made no token", name, phone, name)
				}
				var err error
				dev, err = w.Register(world.Device{Name: phone, Vendor: name, App: DemoAppName, Token: token, Android: DemoAndroid})
				if err != nil {
					return Demo{}, fmt.Errorf("demo %s phone %s: %w", name, phone, err)
				}
			}
			dv.Phones = append(dv.Phones, dev)
		}
		d.Vendors = append(d.Vendors, dv)
	}
	return d, nil
}

// Env renders the demo as an env snippet (KEY=value lines, shell-quoted
// where needed): PUSHSIM_URL, then per vendor PUSHSIM_<VENDOR>_BASE_URL,
// _APP_ID, _APP_KEY, _APP_SECRET, _PACKAGE (the world.App fields of the same
// names; see world.App for what each means per vendor), _CHANNEL (the first
// registered channel), one line per App.Extra key, and _TOKEN_ALICE,
// _TOKEN_BOB. Empty values are left out. Where a vendor names a credential
// otherwise, the vendor's word is used: OPPO's Secret is _MASTER_SECRET (its
// AppSecret is in Extra), FCM's ID is _PROJECT_ID. An Extra key that would
// clash with these names gets an EXTRA_ prefix.
func (d Demo) Env() string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			b.WriteString(k + "=" + shellQuote(v) + "\n")
		}
	}
	b.WriteString("# pushsim demo: per vendor an app \"" + DemoAppName + "\" and phones " + strings.Join(DemoUsers, ", ") + "\n")
	line("PUSHSIM_URL", d.URL)
	for _, v := range d.Vendors {
		p := "PUSHSIM_" + envName(v.Vendor) + "_"
		fmt.Fprintf(&b, "\n# %s: real hosts %s; send to BASE_URL + the vendor's real path\n", v.Vendor, strings.Join(v.Hosts, ", "))
		idName, secretName := "APP_ID", "APP_SECRET"
		if n, ok := envIDNames[v.Vendor]; ok {
			idName = n
		}
		if n, ok := envSecretNames[v.Vendor]; ok {
			secretName = n
		}
		std := map[string]string{
			"BASE_URL": v.BaseURL, idName: v.App.ID, "APP_KEY": v.App.Key,
			secretName: v.App.Secret, "PACKAGE": v.App.Package,
		}
		for _, k := range []string{"BASE_URL", idName, "APP_KEY", secretName, "PACKAGE"} {
			line(p+k, std[k])
		}
		if len(v.App.Channels) > 0 {
			line(p+"CHANNEL", v.App.Channels[0].ID)
		}
		keys := make([]string, 0, len(v.App.Extra))
		for k := range v.App.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := envName(k)
			if _, clash := std[name]; clash || name == "CHANNEL" || strings.HasPrefix(name, "TOKEN_") {
				name = "EXTRA_" + name
			}
			line(p+name, v.App.Extra[k])
		}
		for i, ph := range v.Phones {
			user := fmt.Sprint(i)
			if i < len(DemoUsers) {
				user = DemoUsers[i]
			}
			line(p+"TOKEN_"+envName(user), ph.Token)
		}
	}
	return b.String()
}

// Where a vendor calls a world.App credential something else (see world.App),
// the snippet uses the vendor's word.
var (
	envIDNames     = map[string]string{"fcm": "PROJECT_ID"}
	envSecretNames = map[string]string{"oppo": "MASTER_SECRET"}
)

// envName upper-cases s and turns anything but letters and digits into "_".
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}

// shellQuote leaves plain values alone and single-quotes the rest, so the
// snippet can be sourced by sh and read by .env loaders.
func shellQuote(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:+=@,%", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
