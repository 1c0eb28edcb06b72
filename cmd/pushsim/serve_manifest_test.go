package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The README's tap: serve --demo --manifest, a Xiaomi push with the
// guide's intent URI, then a tap on alice-xiaomi's notification.
func TestServeManifestTap(t *testing.T) {
	base, stdout, stderr, _ := startServe(t, "--addr", "127.0.0.1:0", "--demo", "--manifest", "../../android/testdata/tuikit/AndroidManifest.xml")
	if !strings.Contains(stderr.String(), "package com.tencent.qcloud.tim.tuikit, 3 activities, launcher com.tencent.qcloud.tim.demo.SplashActivity") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	env := map[string]string{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	if env["PUSHSIM_XIAOMI_PACKAGE"] != "com.tencent.qcloud.tim.tuikit" {
		t.Fatalf("xiaomi package = %q", env["PUSHSIM_XIAOMI_PACKAGE"])
	}
	form := url.Values{
		"registration_id": {env["PUSHSIM_XIAOMI_TOKEN_ALICE"]}, "restricted_package_name": {env["PUSHSIM_XIAOMI_PACKAGE"]},
		"title": {"bob"}, "description": {"hello"}, "extra.channel_id": {env["PUSHSIM_XIAOMI_CHANNEL"]},
		"extra.notify_effect": {"2"},
		"extra.intent_uri":    {"intent://com.tencent.qcloud/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;component=com.tencent.qcloud.tim.tuikit/com.tencent.qcloud.tim.demo.main.MainActivity;end"},
		"extra.ext":           {`{"entity":{"sender":"bob"}}`},
	}
	req, _ := http.NewRequest("POST", env["PUSHSIM_XIAOMI_BASE_URL"]+"/v3/message/regid", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "key="+env["PUSHSIM_XIAOMI_APP_SECRET"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(base+"/_pushsim/devices/alice-xiaomi/shade/1/tap", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tap struct {
		Opens      string
		Activity   string
		LaunchMode string `json:"launch_mode"`
		Extras     struct {
			KeyMessage struct{ Extra map[string]string } `json:"key_message"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&tap); err != nil || resp.StatusCode != 200 {
		t.Fatalf("tap: %s %v", resp.Status, err)
	}
	if tap.Opens != "activity" || tap.Activity != "com.tencent.qcloud.tim.demo.main.MainActivity" || tap.LaunchMode != "singleTask" || tap.Extras.KeyMessage.Extra["ext"] != `{"entity":{"sender":"bob"}}` {
		t.Errorf("tap = %+v", tap)
	}
}

func TestServeManifestNeedsDemo(t *testing.T) {
	cmd := newServeCmd()
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--manifest", "x.xml"})
	cmd.SetOut(&syncBuffer{})
	cmd.SetErr(&syncBuffer{})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--demo") {
		t.Errorf("err = %v", err)
	}
}
