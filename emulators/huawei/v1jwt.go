package huawei

import (
	"fmt"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// isJWT tells a service-account JWT (three dot-separated base64url parts)
// from an OAuth access token, which is standard base64 and has no dot.
func isJWT(raw string) bool { return strings.Count(raw, ".") == 2 }

// authorizeJWT checks a v1 send whose bearer is a service-account JWT: the
// current CN send doc lets the v1/v2 Authorization carry one instead of an
// OAuth access token (vendor-facts huawei-oppo-fcm-honor.md §1.2). The JWT
// is verified as v3's (v3auth.go); v1 answers with its own codes: 80200001
// for a JWT that does not verify or belongs to another app, 80200003 once
// expired. The one-day lifetime limit (80300036) is documented for v3 only
// and not applied here.
func (e *Emulator) authorizeJWT(raw string, app *world.App, appID string, now time.Time) *problem {
	t, issuer, p := e.verifyJWT(raw)
	if p != nil {
		return &problem{codeAuth, RuleAuthJWT, p.detail}
	}
	if app == nil {
		return &problem{codeNoPermission, RuleAppPermission, fmt.Sprintf("appId %s in the URL is no app", appID)}
	}
	if issuer == nil || issuer.Name != app.Name {
		return &problem{codeAuth, RuleAuthJWT, fmt.Sprintf("the JWT is signed with the key of project %s, not app %s's", t.acc.projectID, appID)}
	}
	if !now.Before(t.exp) {
		return &problem{codeExpired, RuleAuthExpired, fmt.Sprintf("the JWT expired at %s", t.exp.UTC().Format(time.RFC3339))}
	}
	if app.Setting("push_enabled", "") == "false" {
		return &problem{codeNoPermission, RuleAppPermission, "Push Kit is not enabled for the app"}
	}
	return nil
}
