package meizu

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// checkTaskReply asserts a task API's answer is Meizu's envelope, with the
// value each operation documents when the code is "200".
func checkTaskReply(t *testing.T, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var r struct {
		Code    *string         `json:"code"`
		Message *string         `json:"message"`
		Value   json.RawMessage `json:"value"`
		MsgID   string          `json:"msgId"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Code == nil || r.Message == nil || r.Value == nil {
		t.Fatalf("not a Meizu envelope (HTTP %d): %q", rec.Code, rec.Body)
	}
	if *r.Code != codeOK {
		if string(r.Value) != `""` || r.MsgID != "" {
			t.Fatalf("error %s with value %s, msgId %q", *r.Code, r.Value, r.MsgID)
		}
		return
	}
	switch path {
	case PathGetTaskID, PathPushToApp:
		var v struct{ TaskID, PushType, AppID *json.Number }
		if json.Unmarshal(r.Value, &v) != nil || v.TaskID == nil || v.PushType == nil || v.AppID == nil || r.MsgID != "" {
			t.Fatalf("value is not {taskId, pushType, appId}: %s", rec.Body)
		}
	case PathCancelTask:
		if string(r.Value) != `{"result":true}` {
			t.Fatalf("cancel value %s", r.Value)
		}
	default:
		var m map[string][]string
		if json.Unmarshal(r.Value, &m) != nil || r.MsgID == "" {
			t.Fatalf("a task push's value is not a code → targets map with a msgId: %s", rec.Body)
		}
	}
}

// FuzzTask feeds arbitrary taskId, pushType, messageJson and targets,
// correctly signed, to every task path.
func FuzzTask(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	form, _ := url.ParseQuery(body)
	app, _ := e.w.App(vendorName, "chat")
	app.Settings = map[string]string{"pass_through": "allowed"}
	app.Quotas = map[string]int{"qps": 0, "device_per_minute": 0, "tasks_max": 50}
	if err := e.w.UpdateApp(*app); err != nil {
		f.Fatal(err)
	}
	paths := []string{PathGetTaskID, PathTaskPushByPushID, PathTaskPushByAlias, PathTaskPassThroughByPushID,
		PathTaskPassThroughByAlias, PathPushToApp, PathCancelTask}
	call := func(path string, params map[string]string) *httptest.ResponseRecorder {
		params["appId"] = app.ID
		params["sign"] = Sign(params, app.Secret)
		v := url.Values{}
		for k, x := range params {
			v.Set(k, x)
		}
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(path, v.Encode()))
		return rec
	}
	msg := form.Get("messageJson")
	task := func(path, pushType, m string) string {
		var r struct {
			Value struct{ TaskID json.Number }
		}
		_ = json.Unmarshal(call(path, map[string]string{"pushType": pushType, "messageJson": m}).Body.Bytes(), &r)
		return r.Value.TaskID.String()
	}
	saved, toApp := task(PathGetTaskID, "0", msg), task(PathPushToApp, "0", msg)
	sched := `{"noticeBarInfo":{"title":"t","content":"c"},"pushTimeInfo":{"pushTimeType":1,"startTime":"2099-01-01 00:00:00"}}`
	for i := range paths {
		p := uint8(i)
		f.Add(p, saved, "0", msg, form.Get("pushIds"))
		f.Add(p, toApp, "0", sched, "nobody")
		f.Add(p, "", "1", `{"content":"x"}`, "")
		f.Add(p, "-1", "x", `{"noticeBarInfo":`, ",,,")
		f.Add(p, strconv.Itoa(1<<62), "01", "\xff", "a,b,c")
	}
	f.Fuzz(func(t *testing.T, p uint8, taskID, pushType, m, targets string) {
		path := paths[int(p)%len(paths)]
		params := map[string]string{"taskId": taskID, "pushType": pushType, "messageJson": m}
		if path == PathTaskPushByAlias || path == PathTaskPassThroughByAlias {
			params["alias"] = targets
		} else {
			params["pushIds"] = targets
		}
		checkTaskReply(t, path, call(path, params))
	})
}
