package harness

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/scenarios"
)

// FuzzParse feeds the scenario loader anything: it must answer a scenario
// or a load error naming the file, never panic. The seeds are the suite's
// own scenarios and the malformed fixtures.
func FuzzParse(f *testing.F) {
	_ = fs.WalkDir(scenarios.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(p, "faults/") || err == nil && p == "im/xiaomi-retry-backoff.yaml" {
			if b, err := fs.ReadFile(scenarios.FS, p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	for _, pattern := range []string{"testdata/*.yaml", "testdata/malformed/*"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("id: a/b\ntitle: t\nrules: [a.b.c]\nsteps:\n  - fault: clear\n  - fault: {action: reset, share: 2}\n"))
	f.Add([]byte("id: a/b\ntitle: t\nrules: [a.b.c]\nsteps: [{advance: 99999999999d}]\n"))
	f.Add([]byte("- &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		switch {
		case err != nil && s != nil:
			t.Fatalf("both a scenario and an error: %v", err)
		case err == nil && s == nil:
			t.Fatal("neither a scenario nor an error")
		case err != nil:
			le, ok := err.(*LoadError)
			if !ok || le.File != "fuzz.yaml" {
				t.Fatalf("error %T %v does not name the file", err, err)
			}
		default:
			if s.ID == "" || s.Title == "" || len(s.Rules) == 0 {
				t.Fatalf("a scenario without id, title or rules passed: %+v", s)
			}
		}
	})
}
