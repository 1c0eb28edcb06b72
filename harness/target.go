package harness

import (
	"context"
	"net/http"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// Dispatcher is the IM dispatcher the steps drive: the built-in one
// in-process, or (later) a user's dispatcher over the HTTP driver protocol.
// *dispatcher.Dispatcher implements it.
type Dispatcher interface {
	Login(user, device string) error
	Logout(user, device string) error
	Kick(user, device string) error
	Foreground(user, device string) error
	Background(user, device string, unread int) error
	ReportToken(user, device string, businessID int, token string) error
	Send(ctx context.Context, m dispatcher.Message) (string, error)
	Outcomes(f dispatcher.OutcomeFilter) []dispatcher.Outcome
}

var _ Dispatcher = (*dispatcher.Dispatcher)(nil)

// Env is what one scenario runs on. A dispatcher under test is built from
// it: its certificates point at the emulators, its HTTP client reaches them
// in memory (every call lands in the trace), and its Sleep moves the
// virtual clock instead of waiting, so retries and pacing take no time.
type Env struct {
	Server       *emulators.Server
	Clock        *world.VirtualClock
	HTTPClient   *http.Client
	Certificates []push.Certificate
	Sleep        func(ctx context.Context, d time.Duration) error
	Seed         uint64
	// Namespace goes in front of every user and device name on a black-box
	// target ("" for the built-in dispatcher), so scenarios sharing one
	// target never see each other's state.
	Namespace string
}

// Builtin builds the built-in dispatcher for a scenario.
func Builtin(env *Env) (Dispatcher, error) {
	return dispatcher.New(dispatcher.Config{
		Certificates: env.Certificates,
		HTTPClient:   env.HTTPClient,
		Now:          env.Clock.Now,
		Sleep:        env.Sleep,
		Seed:         env.Seed,
	})
}
