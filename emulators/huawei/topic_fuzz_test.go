package huawei_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzTopicAPI feeds arbitrary bodies to topic:subscribe, topic:unsubscribe
// and topic:list with a valid token: the answer is always Huawei's
// {code, msg, requestId} with an 8-digit code (and the counts or topics
// when it succeeds), never a panic.
func FuzzTopicAPI(f *testing.F) {
	bw := newBenchWorld(f)
	tok := bw.phone.Token
	for _, seed := range []string{
		`{"topic":"weather","tokenArray":["` + tok + `"]}`, `{"topic":"天气","tokenArray":["` + tok + `","x"]}`,
		`{"topic":"","tokenArray":["x"]}`, `{"topic":1}`, `{"tokenArray":null}`, `{"token":"` + tok + `"}`, `{"token":1}`,
		`{}`, `[]`, `null`, `{`, ``, "{\"topic\":\"\xff\",\"tokenArray\":[\"x\"]}",
	} {
		for _, op := range []string{"subscribe", "unsubscribe", "list"} {
			f.Add(op, []byte(seed))
		}
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		if op != "subscribe" && op != "unsubscribe" {
			op = "list"
		}
		req := httptest.NewRequest(http.MethodPost, "/v1/"+bw.app.ID+"/topic:"+op, bytes.NewReader(body))
		req.Header.Set("Authorization", bw.bearer)
		rec := httptest.NewRecorder()
		bw.h.ServeHTTP(rec, req)
		var r struct {
			Code         *string         `json:"code"`
			Msg          *string         `json:"msg"`
			RequestID    *string         `json:"requestId"`
			SuccessCount *int            `json:"successCount"`
			Topics       json.RawMessage `json:"topics"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("reply is not JSON: %q", rec.Body.String())
		}
		if r.Code == nil || !codePattern.MatchString(*r.Code) || r.Msg == nil || r.RequestID == nil {
			t.Fatalf("reply is not Huawei's shape: %q", rec.Body.String())
		}
		if *r.Code == "80000000" && (rec.Code != http.StatusOK || op == "list" && r.Topics == nil || op != "list" && r.SuccessCount == nil) {
			t.Fatalf("success with HTTP %d: %s", rec.Code, rec.Body.String())
		}
	})
}
