package vivo

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// The tag management APIs (facts §3.1: /tag/add, /tag/update,
// /tag/addMembers, /tag/removeMembers; the bodies are the official SDK's
// TagMessage, its checks Validation.validateTagName / validateTagMember,
// codes §3.4), JSON with the authToken header like every push API. A tag is
// a world topic of the app: its members are the phones subscribed to it, so
// tagPush and the other ways of subscribing see the same tags.
//
//	/tag/add            {name, desc?, group?}      name blank → 10601
//	/tag/update         {oldName, newName}         either blank → 10601; the members move
//	/tag/addMembers     {name, type, ids}          name → 10601, type not 1 or 2 → 10616,
//	/tag/removeMembers  {name, type, ids}          ids missing or empty → 10609, > 1000 → 10614
//
// Inferred (rules.go): type 1 names regIds and 2 aliases (the SDK does not
// say); a tag exists once a phone is a member, so /tag/add only checks the
// name; an id that names no installed phone of the app is listed in
// invalidUsers (status 1 unknown, 2 uninstalled) and the others are done; a
// name the world cannot keep (control characters, over 1024 bytes) is 10601
// as well; a member the topic limits refuse is named in the ledger only.

// tagIDsMax is the most ids one addMembers or removeMembers takes.
const tagIDsMax = 1000

// Tag member id types.
const (
	tagTypeRegID = 1
	tagTypeAlias = 2
)

// tagAPI is one tag management call; it answers the request itself.
type tagAPI func(c *call) (reason string, bad []invalid, v *verdict)

// tagRoute serves one tag management path.
func (e *Emulator) tagRoute(api tagAPI) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := e.begin(w, r, "tag")
		if c == nil {
			return
		}
		defer c.release()
		reason, bad, v := api(c)
		if v != nil {
			c.reject(v, nil)
			return
		}
		c.entry.Verdict, c.entry.Rule, c.entry.Reason = world.VerdictAccepted, ruleTagMembers, joinReason(c.note, reason)
		if r.URL.Path == "/tag/add" || r.URL.Path == "/tag/update" {
			c.entry.Rule = ruleTagManage
		}
		c.finish(&reply{invalidUsers: bad})
	}
}

// tagName reads and checks a tag name field.
func tagName(field string, t text, rule string) (string, *verdict) {
	name := strings.TrimSpace(t.s)
	if name == "" || t.bad {
		return "", refuse(codeTagName, rule, field+" is empty")
	}
	if err := world.ValidTopic(name); err != nil {
		return "", refuse(codeTagName, rule, field+" "+strconv.QuoteToASCII(truncate(name, 40))+": "+err.Error())
	}
	return name, nil
}

// addTag checks the name; the tag is there once it has a member.
func addTag(c *call) (string, []invalid, *verdict) {
	name, v := tagName("name", c.msg.Name, ruleTagManage)
	if v != nil {
		return "", nil, v
	}
	return "tag " + strconv.Quote(name) + " added (" + strconv.Itoa(len(c.e.w.TopicSubscribers(vendorName, c.app.Name, name))) + " member(s))", nil, nil
}

// updateTag renames a tag: every member of oldName becomes one of newName.
func updateTag(c *call) (string, []invalid, *verdict) {
	oldName, v := tagName("oldName", c.msg.OldName, ruleTagManage)
	if v != nil {
		return "", nil, v
	}
	newName, v := tagName("newName", c.msg.NewName, ruleTagManage)
	if v != nil {
		return "", nil, v
	}
	moved, refused := 0, 0
	if oldName != newName {
		for _, d := range c.e.w.TopicSubscribers(vendorName, c.app.Name, oldName) {
			_ = c.e.w.UnsubscribeTopic(d.ID, oldName) // the phone exists: the world listed it
			if c.e.w.SubscribeTopic(d.ID, newName) != nil {
				refused++
				continue
			}
			moved++
		}
	}
	reason := "tag " + strconv.Quote(oldName) + " renamed " + strconv.Quote(newName) + ": " + strconv.Itoa(moved) + " member(s) moved"
	if refused > 0 {
		reason += ", " + strconv.Itoa(refused) + " refused by the topic limits (left without the tag)"
	}
	return reason, nil, nil
}

// addMembers and removeMembers change a tag's members.
func addMembers(c *call) (string, []invalid, *verdict)    { return c.members(true) }
func removeMembers(c *call) (string, []invalid, *verdict) { return c.members(false) }

// members checks {name, type, ids} in the SDK's order and subscribes (or
// unsubscribes) the phones the ids name.
func (c *call) members(add bool) (string, []invalid, *verdict) {
	m := &c.msg
	name, v := tagName("name", m.Name, ruleTagMembers)
	if v != nil {
		return "", nil, v
	}
	typ, ok := m.Type.int()
	switch {
	case !ok || (typ != tagTypeRegID && typ != tagTypeAlias):
		return "", nil, refuse(codeTagType, ruleTagMembers, "type "+show(m.Type)+" is not 1 (regIds) or 2 (aliases)")
	case !m.IDs.set || m.IDs.bad || len(m.IDs.v) == 0:
		return "", nil, refuse(codeTagIDsEmpty, ruleTagMembers, "ids is missing, empty or not a list")
	case len(m.IDs.v) > tagIDsMax:
		return "", nil, refuse(codeTagIDsLimit, ruleTagMembers, "ids has "+strconv.Itoa(len(m.IDs.v))+" entries, at most 1000 are allowed")
	}
	var bad []invalid
	done, refused := 0, 0
	seen := make(map[string]bool, len(m.IDs.v))
	for _, id := range m.IDs.v {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		regID := id
		if typ == tagTypeAlias {
			regID = c.app.Extra[aliasPrefix+id]
		}
		d, found := c.e.w.DeviceByToken(vendorName, regID)
		switch {
		case regID == "" || !found || d.App != c.app.Name:
			bad = append(bad, invalid{statusUnknown, id})
			continue
		case d.Uninstalled:
			bad = append(bad, invalid{statusUninstalled, id})
			continue
		}
		var err error
		if add {
			err = c.e.w.SubscribeTopic(d.ID, name)
		} else {
			err = c.e.w.UnsubscribeTopic(d.ID, name)
		}
		switch {
		case errors.Is(err, world.ErrTopicLimit), errors.Is(err, world.ErrTopicFull):
			refused++
		case err == nil:
			done++
		}
	}
	c.entry.Tokens = m.IDs.v
	verb := "added to"
	if !add {
		verb = "removed from"
	}
	reason := strconv.Itoa(done) + " phone(s) " + verb + " tag " + strconv.Quote(name)
	if len(bad) > 0 {
		reason += ", " + strconv.Itoa(len(bad)) + " id(s) invalid (invalidUsers)"
	}
	if refused > 0 {
		reason += ", " + strconv.Itoa(refused) + " refused by the topic limits"
	}
	return reason, bad, nil
}
