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
	case PathGetTaskID, PathPushToApp, PathPushToTag:
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
		PathTaskPassThroughByAlias, PathPushToApp, PathPushToTag, PathCancelTask}
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
		switch path {
		case PathTaskPushByAlias, PathTaskPassThroughByAlias:
			params["alias"] = targets
		case PathPushToTag:
			params["tagNames"], params["scope"] = targets, taskID
		default:
			params["pushIds"] = targets
		}
		checkTaskReply(t, path, call(path, params))
	})
}

// FuzzTagSubscription feeds arbitrary pushIds and tags, correctly signed, to
// the tag subscription APIs: every answer is Meizu's envelope, a success
// carries {pushId, tags} (unSubAllTags: true), and no phone ever holds more
// tags than its limit.
func FuzzTagSubscription(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	form, _ := url.ParseQuery(body)
	app, _ := e.w.App(vendorName, "chat")
	app.Quotas = map[string]int{"qps": 0, "topics_per_device": 5}
	if err := e.w.UpdateApp(*app); err != nil {
		f.Fatal(err)
	}
	paths := []string{PathSubscribeTags, PathUnSubscribeTags, PathGetSubTags, PathUnSubAllTags}
	pushID := splitTargets(form.Get("pushIds"))[0]
	for i := range paths {
		p := uint8(i)
		f.Add(p, pushID, "a,b,c")
		f.Add(p, pushID, "a,b,c,d,e,f")
		f.Add(p, pushID, " , ,")
		f.Add(p, "nope", "\xff,\x00")
		f.Add(p, pushID, "体育,"+string(make([]byte, 30)))
	}
	f.Fuzz(func(t *testing.T, p uint8, id, tags string) {
		path := paths[int(p)%len(paths)]
		params := map[string]string{"appId": app.ID, "pushId": id, "tags": tags}
		params["sign"] = Sign(params, app.Secret)
		v := url.Values{}
		for k, x := range params {
			v.Set(k, x)
		}
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(path, v.Encode()))
		var r struct {
			Code  *string         `json:"code"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Code == nil || r.Value == nil {
			t.Fatalf("not a Meizu envelope (HTTP %d): %q", rec.Code, rec.Body)
		}
		switch {
		case *r.Code != codeOK:
		case path == PathUnSubAllTags:
			if string(r.Value) != "true" {
				t.Fatalf("unSubAllTags value %s", r.Value)
			}
		default:
			var info struct {
				PushID *string
				Tags   []struct{ TagID, TagName any }
			}
			if json.Unmarshal(r.Value, &info) != nil || info.PushID == nil {
				t.Fatalf("value is not {pushId, tags}: %s", rec.Body)
			}
		}
		if d, ok := e.w.DeviceByToken(vendorName, pushID); ok {
			if mine, _ := e.w.DeviceTopics(d.ID); len(mine) > 5 {
				t.Fatalf("the phone holds %d tags, more than its limit", len(mine))
			}
		}
	})
}
