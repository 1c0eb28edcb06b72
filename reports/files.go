package reports

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File names WriteFiles uses.
const (
	FileJSON     = "report.json"
	FileJUnit    = "junit.xml"
	FileMarkdown = "report.md"
	FileHTML     = "report.html"
)

// WriteFiles writes the run in every format into dir (created if needed):
// report.json, junit.xml, report.md and report.html. It returns the paths
// written.
func WriteFiles(dir string, run *Run) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	var paths []string
	for _, f := range []struct {
		name  string
		write func(io.Writer, *Run) error
	}{{FileJSON, WriteJSON}, {FileJUnit, WriteJUnit}, {FileMarkdown, WriteMarkdown}, {FileHTML, WriteHTML}} {
		p := filepath.Join(dir, f.name)
		if err := writeFile(p, func(w io.Writer) error { return f.write(w, run) }); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// writeFile writes through a temporary file and renames it, so a reader
// never sees half a report.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up on failure
	// Renderers write many small pieces (html/template): one syscall each
	// would cost more than rendering.
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("reports: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}
