package oppo

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// FuzzBroadcast feeds arbitrary notification fields to save_message_content
// and arbitrary message_id, target_type and target_value to broadcast, with
// a valid auth_token: every answer is OPPO's envelope, and a broadcast that
// succeeds names its message_id and task_id.
func FuzzBroadcast(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	form, _ := url.ParseQuery(body)
	tok := form.Get("auth_token")
	var m struct {
		TargetValue string `json:"target_value"`
	}
	_ = json.Unmarshal([]byte(form.Get("message")), &m)
	save := func(v url.Values) string {
		v.Set("auth_token", tok)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(PathSaveMessage, v.Encode()))
		var r struct {
			Data struct {
				MessageID string `json:"message_id"`
			} `json:"data"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		return r.Data.MessageID
	}
	saved := save(url.Values{"title": {"Sale"}, "content": {"50% off"}, "channel_id": {"im"}})
	f.Add("title", "t", "content", "c", saved, "2", m.TargetValue)
	f.Add("style", "3", "click_action_type", "5", saved, "1", "")
	f.Add("offLine", "yes", "notify_level", "1e3", "nope", "2", ";;;")
	f.Add("action_parameters", `{"a":`, "title", "\xff", saved, "2", m.TargetValue+";x;"+m.TargetValue)
	f.Add("app_message_id", "a1", "badge_operation_type", "-1", "", "", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, id, typ, value string) {
		v := url.Values{"auth_token": {tok}, "title": {"t"}, "content": {"c"}}
		v.Set(k1, v1)
		v.Set(k2, v2)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(PathSaveMessage, v.Encode()))
		checkReply(t, rec)

		rec = httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(PathBroadcast, url.Values{"auth_token": {tok}, "message_id": {id}, "target_type": {typ}, "target_value": {value}}.Encode()))
		checkReply(t, rec)
		var r struct {
			Code int                        `json:"code"`
			Data map[string]json.RawMessage `json:"data"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		if r.Code == 0 && (r.Data["message_id"] == nil || r.Data["task_id"] == nil) {
			t.Fatalf("a broadcast's success without message_id and task_id: %s", rec.Body)
		}
	})
}
