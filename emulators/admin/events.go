package admin

import (
	"encoding/json"
	"net/http"
	"time"
)

// heartbeat keeps idle event streams open through proxies; wall time on
// purpose, it is transport, not a rule.
const heartbeat = 15 * time.Second

// events streams world changes as Server-Sent Events: "event: <kind>" with the
// world.Event as JSON data (kinds: ledger, shade, device, clock, reset).
// Slow readers miss events rather than slow the world; they re-read state.
func (a *API) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeProblem(w, http.StatusNotImplemented, "no-streaming", "this connection cannot stream events", "")
		return
	}
	ch, stop := a.w.Subscribe()
	defer stop()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": pushsim events\n\n"))
	fl.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.done:
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return
			}
			fl.Flush()
		case e, ok := <-ch:
			if !ok {
				return
			}
			data, _ := json.Marshal(e) // a flat struct of strings and numbers
			if _, err := w.Write([]byte("event: " + e.Kind + "\ndata: " + string(data) + "\n\n")); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
