package reports_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/pushsim/pushsim/reports"
)

// FuzzReadJSON: whatever a report.json holds, reading it either fails with
// an error or gives a run that every renderer and the diff can take.
func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, gateRun()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, seed := range []string{
		`{"schema":"pushsim.report/v1","results":[{"id":"a","verdict":"FAIL","failures":[{"message":"<b>","line":-3,"step":-1}],"trace":[{"kind":"shade","step":99}]}]}`,
		`{"schema":"pushsim.report/v1","results":[{"id":"a","verdict":"WAIVED","waiver":null},{"id":"a","verdict":"???"}]}`,
		`{"schema":"pushsim.report/v1","duration_ms":-1e308,"results":null,"rules":[{}]}`,
		`{"schema":"pushsim.report/v2"}`, `[]`, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := reports.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, w := range []func(io.Writer, *reports.Run) error{reports.WriteJSON, reports.WriteJUnit, reports.WriteMarkdown, reports.WriteHTML} {
			if err := w(io.Discard, run); err != nil {
				t.Fatalf("a report that reads must render: %v", err)
			}
		}
		_, _ = reports.WriteDiff(io.Discard, reports.Diff(run, gateRun()))
	})
}
