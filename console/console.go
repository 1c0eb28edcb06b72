package console

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var static embed.FS

// files are the page's assets at the site root ("/", "/app.js", ...).
var files = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// csp allows the page only its own origin: no CDN, no inline script, so a
// notification title that looks like HTML stays text.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the console: the page at "/" and its assets. Mount it as
// emulators.Options.UI; it answers 404 for anything it does not have and 405
// for anything but GET and HEAD.
func Handler() http.Handler {
	fsrv := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the console is read-only; the control plane is under /_pushsim/", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The page is small and changes with the binary: always revalidate.
		h.Set("Cache-Control", "no-cache")
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name != "" {
			if st, err := fs.Stat(files, name); err != nil || st.IsDir() {
				http.Error(w, "404 page not found: the console is at /, the control plane under /_pushsim/", http.StatusNotFound)
				return
			}
		}
		fsrv.ServeHTTP(w, r)
	})
}
