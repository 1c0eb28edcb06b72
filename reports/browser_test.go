package reports_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/reports"
)

// The HTML report is checked the way a person sees it: rendered by a real
// browser (Debian's chromium, headless), after its script ran. CI installs
// chromium (.ci/run) and sets CI, so there the test fails without it;
// elsewhere it is skipped. Keep the screenshot with
//
//	go test ./reports -run Browser -artifacts -outputdir out

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (CI installs it)")
	return ""
}

// browse runs headless chromium on a URL with extra flags and returns its
// standard output.
func browse(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
		"--user-data-dir=" + filepath.Join(dir, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func writePage(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, gateRun()); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "report.html")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// openTag returns the start tag of the element with that id in a DOM dump.
func openTag(t *testing.T, dom, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<[a-z]+\b[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(dom)
	if m == "" {
		t.Fatalf("no element #%s in the rendered page", id)
	}
	return m
}

func TestBrowserRendersTheReport(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := writePage(t, dir)

	// The page as its script leaves it: with a filter in the URL (what a
	// link from a PR comment does), only the FAIL and NON-STRICT scenarios
	// are shown, the failing one is open, the counter says so.
	dom := string(browse(t, bin, dir, "--dump-dom", "file://"+page+"#verdict=FAIL,NON-STRICT"))
	if !strings.Contains(openTag(t, dom, "overall"), "v-fail") {
		t.Errorf("overall verdict: %s", openTag(t, dom, "overall"))
	}
	if !regexp.MustCompile(`<body[^>]*data-ready="1"`).MatchString(dom) {
		t.Fatal("the page's script did not run to the end (body data-ready is not 1)")
	}
	if shown := openTag(t, dom, "shown"); !strings.Contains(shown, `data-count="2"`) ||
		!strings.Contains(dom, "Showing 2 of 7 scenarios") {
		t.Errorf("counter: %s", shown)
	}
	for id, want := range map[string]struct{ hidden, open bool }{
		"s-xiaomi-quota-daily":    {false, true}, // FAIL: shown, opened
		"s-oppo-channel-required": {false, false},
		"s-xiaomi-auth-secret":    {true, false},
		"s-im-xiaomi-retry":       {true, false},
		"s-im-oppo-badge":         {true, false},
	} {
		tag := openTag(t, dom, id)
		if hidden := regexp.MustCompile(`\shidden(=""|\s|>)`).MatchString(tag); hidden != want.hidden {
			t.Errorf("#%s hidden = %v, want %v: %s", id, hidden, want.hidden, tag)
		}
		if open := regexp.MustCompile(`\sopen(=""|\s|>)`).MatchString(tag); open != want.open {
			t.Errorf("#%s open = %v, want %v: %s", id, open, want.open, tag)
		}
	}
	// The chips show which verdicts the filter keeps.
	for verdict, pressed := range map[string]string{"FAIL": "true", "NON-STRICT": "true", "PASS": "false", "SKIPPED": "false"} {
		re := regexp.MustCompile(`<button[^>]*data-verdict="` + verdict + `"[^>]*>`)
		if tag := re.FindString(dom); !strings.Contains(tag, `aria-pressed="`+pressed+`"`) {
			t.Errorf("chip %s: %s, want aria-pressed=%s", verdict, tag, pressed)
		}
	}
	// The matrix cells carry their verdict's class and counts.
	for _, cell := range []struct{ vendor, area, class, text string }{
		{"xiaomi", "quota &amp; rate", "v-fail", "FAIL"},
		{"oppo", "class &amp; channel", "v-non-strict", "NON-STRICT"},
		{"xiaomi", "auth", "v-pass", "PASS"},
		{"oppo", "im: notification", "v-waived", "WAIVED"},
	} {
		re := regexp.MustCompile(`<td class="cell ([^"]*)" data-vendor="` + cell.vendor + `" data-area="` + regexp.QuoteMeta(cell.area) + `"[^>]*>(.*?)</td>`)
		m := re.FindStringSubmatch(dom)
		if m == nil || !strings.Contains(m[1], cell.class) || !strings.Contains(m[2], cell.text) {
			t.Errorf("cell %s × %s = %q, want class %s and %s", cell.area, cell.vendor, m, cell.class, cell.text)
		}
	}

	// And what it looks like: a screenshot of the default view must show
	// the verdict colours (FAIL red, PASS green, WAIVED purple).
	shot := filepath.Join(t.ArtifactDir(), "report.png")
	browse(t, bin, dir, "--window-size=1280,1400", "--screenshot="+shot, "file://"+page)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for name, rgb := range map[string][3]uint8{"FAIL red": {0xcf, 0x22, 0x2e}, "PASS green": {0x1a, 0x7f, 0x37}, "WAIVED purple": {0x82, 0x50, 0xdf}} {
		if n := countColour(img, rgb); n < 100 {
			t.Errorf("the screenshot has %d pixels of %s, want a visible badge (100+); kept at %s", n, name, shot)
		}
	}
	t.Logf("screenshot: %s", shot)
}

// countColour counts pixels within a small distance of rgb.
func countColour(img image.Image, rgb [3]uint8) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, rgb[0]) && near(g>>8, rgb[1]) && near(bl>>8, rgb[2]) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8) bool {
	d := int(v) - int(want)
	return d > -8 && d < 8
}
