package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/reports"
)

// The `subscribe` step: a phone's app subscribes to topics through its push
// SDK (MiPushClient.subscribe, FCM subscribeToTopic), which the world keeps
// (world.SubscribeTopic) for the vendors' topic sends.
//
//	- subscribe: {phone: alice-phone, topics: [news, sports]}
//	- subscribe: {phone: member, topics: news}   # a crowd: each of its phones
//
// A subscription the vendor's limits refuse (too many topics on the phone,
// too many phones on the topic) does not end the scenario: as on a real
// phone the SDK's subscribe fails, the trace says so, and sends to that
// topic do not reach the phone.

// SubscribeStep subscribes a phone (or each phone of a crowd) to topics.
type SubscribeStep struct {
	Phone  string     `yaml:"phone"`
	Topics StringList `yaml:"topics"`
	Line   int        `yaml:"-"`
}

func decodeSubscribe(node ast.Node) (*SubscribeStep, error) {
	var s SubscribeStep
	if err := strict(node, &s); err != nil {
		return nil, err
	}
	s.Line = lineOf(node)
	return &s, nil
}

// validateSubscribe checks the step's phone and topic names.
func validateSubscribe(s *Scenario, st *SubscribeStep, phone func(int, string) (*PhoneSpec, error)) error {
	at := func(format string, a ...any) error { return &posError{Line: st.Line, Msg: fmt.Sprintf(format, a...)} }
	if st.Phone == "" {
		return at("subscribe: name the phone (subscribe: {phone: alice-phone, topics: [news]})")
	}
	if s.crowds[st.Phone] == nil {
		if _, err := phone(st.Line, st.Phone); err != nil {
			return err
		}
	}
	if len(st.Topics) == 0 {
		return at("subscribe: name the topics (topics: [news] or topics: news)")
	}
	for _, t := range st.Topics {
		if err := world.ValidTopic(t); err != nil {
			return at("subscribe: topic %q: %v", t, err)
		}
	}
	return nil
}

// subscribe runs the step on the scenario's world.
func (r *runner) subscribe(st *SubscribeStep) error {
	phones := r.s.crowds[st.Phone]
	if phones == nil {
		phones = []string{st.Phone}
	}
	var refused []string
	for _, name := range phones {
		for _, t := range st.Topics {
			err := r.srv.World.SubscribeTopic(r.phoneID(name), t)
			switch {
			case errors.Is(err, world.ErrTopicLimit), errors.Is(err, world.ErrTopicFull):
				refused = append(refused, name+" "+t+": "+err.Error())
			case err != nil:
				return fmt.Errorf("subscribe %s to %s: %w", name, t, err)
			}
		}
	}
	r.event(reports.EventStep, fmt.Sprintf("subscribe %s: %s", st.Phone, strings.Join(st.Topics, ", ")), "")
	if len(refused) > 0 {
		r.event(reports.EventNote, fmt.Sprintf("%d subscription(s) refused by the vendor's limits", len(refused)), strings.Join(refused, "\n"))
	}
	return nil
}
