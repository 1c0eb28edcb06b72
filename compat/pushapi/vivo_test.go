package pushapi_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/modood/pushapi/vivopush"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestVivo sends with modood/pushapi's vivopush, unchanged, to its real host
// api-push.vivo.com.cn through s.Client(): it signs /message/auth with md5
// and the machine's clock, then sends JSON with the authToken header.
func TestVivo(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "vivo"})
	phone := compattest.Phone(t, s, app, "alice-vivo", 33)
	appID, err := strconv.Atoi(app.ID)
	if err != nil {
		t.Fatal(err)
	}

	client := vivopush.NewClient(app.ID, app.Key, app.Secret)
	client.SetHTTPClient(s.Client())

	// The library README's request (a system message), with the newer
	// body's appId and a system category.
	seq := 0
	send := func(req vivopush.SendReq) (*vivopush.SendRes, error) {
		seq++
		req.AppId, req.RegId, req.RequestId = appID, phone.Token, "req-"+strconv.Itoa(seq)
		if req.NotifyType == 0 {
			req.NotifyType = 4
		}
		if req.SkipType == 0 {
			req.SkipType = 1
		}
		return client.Send(&req)
	}
	res, err := send(vivopush.SendReq{
		Title: "Bob", Content: "are you there?", TimeToLive: 24 * 60 * 60, NetworkType: -1,
		Classification: 1, Category: "IM", ClientCustomMap: map[string]string{"conv": "c1"},
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.Result != 0 || res.TaskId == "" {
		t.Fatalf("answer: %+v", res)
	}
	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.MessageID != res.TaskId || n.Click.Extras["conv"] != "c1" {
		t.Errorf("shown: %+v", n)
	}

	// vivo's classification rules (addendum-gaps-closed.md §1.1, §1.3):
	// category and classification must agree, and only vivo's categories
	// (upper case) exist.
	for _, tc := range []struct {
		name string
		req  vivopush.SendReq
		code int
	}{
		{"system classification, marketing category", vivopush.SendReq{Title: "t", Content: "c", Classification: 1, Category: "MARKETING"}, 10097},
		{"unknown category", vivopush.SendReq{Title: "t", Content: "c", Classification: 1, Category: "im"}, 10096},
		{"classification out of range", vivopush.SendReq{Title: "t", Content: "c", Classification: 2}, 11000},
		{"title over 40 characters", vivopush.SendReq{Title: strings.Repeat("x", 41), Content: "c", Classification: 1, Category: "IM"}, 10056},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := send(tc.req)
			var answer vivopush.SendRes
			compattest.BodyOfError(t, err, &answer)
			if answer.Result != tc.code || answer.Desc == "" {
				t.Errorf("answer %+v, want result %d", answer, tc.code)
			}
		})
	}
	if sh := compattest.Shade(t, s, phone); len(sh.Shown) != 1 {
		t.Errorf("a refused message reached the shade: %+v", sh.Shown)
	}
}

// TestVivoUnknownRegID: vivo answers an unknown regId with 10302 and
// invalidUser {"status":1,"userid":"<the regId>"}. modood/pushapi declares
// invalidUser.userid as an int, so it cannot decode vivo's string and
// reports a decoding error; the answer it quotes is still vivo's.
// (vendor-facts/xiaomi-meizu-vivo.md §3.4; compat/README.md)
func TestVivoUnknownRegID(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "vivo"})
	stranger := s.Vendor("vivo").NewToken(app)

	client := vivopush.NewClient(app.ID, app.Key, app.Secret)
	client.SetHost(s.BaseURL("vivo")) // the loopback port, by path
	_, err := client.Send(&vivopush.SendReq{RegId: stranger, NotifyType: 4, Title: "t", Content: "c", SkipType: 1,
		Classification: 1, Category: "IM", RequestId: "r1"})
	if err == nil || !strings.Contains(err.Error(), "cannot unmarshal string") {
		t.Errorf("error %v, want the library's decoding error", err)
	}
	var answer struct {
		Result      int    `json:"result"`
		Desc        string `json:"desc"`
		InvalidUser struct {
			Status int    `json:"status"`
			UserID string `json:"userid"`
		} `json:"invalidUser"`
	}
	compattest.BodyOfError(t, err, &answer)
	if answer.Result != 10302 || answer.Desc != "regId不合法" || answer.InvalidUser.Status != 1 || answer.InvalidUser.UserID != stranger {
		t.Errorf("answer %+v", answer)
	}
}
