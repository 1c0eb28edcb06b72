package dispatcher

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// State is where a device's IM session stands.
type State string

// Device states. Only a background device gets vendor pushes.
const (
	Foreground State = "foreground" // logged in, app in front: the long connection carries messages
	Background State = "background" // logged in, app in background, locked or killed
	LoggedOut  State = "logged-out"
	Kicked     State = "kicked" // logged out by a login elsewhere
)

// Device is what the dispatcher knows about one device of a user.
type Device struct {
	User       string    `json:"user"`
	Device     string    `json:"device"`
	State      State     `json:"state"`
	Unread     int       `json:"unread"`                // reported with doBackground
	Since      int       `json:"since"`                 // messages for this device since it went to the background
	BusinessID int       `json:"business_id,omitempty"` // certificate of the reported token
	Token      string    `json:"token,omitempty"`
	Updated    time.Time `json:"updated"`
}

// LoggedIn reports whether the device has a live session.
func (d *Device) LoggedIn() bool { return d.State == Foreground || d.State == Background }

// Store holds the dispatcher's state: devices with their sessions and
// tokens, the message ids already used, and outcomes. The decisions never
// touch state except through it, so a persistent store can replace the
// in-memory one. Implementations must be safe for concurrent use.
type Store interface {
	// Device returns one device.
	Device(user, device string) (Device, bool, error)
	// UpdateDevice applies fn to the device atomically, creating it (zero
	// but for User and Device; found false) when unknown, and returns the
	// result. If fn returns an error nothing changes. A (business id,
	// token) pair belongs to one device at most: giving it to a device
	// takes it from any other.
	UpdateDevice(user, device string, fn func(d *Device, found bool) error) (Device, error)
	// Devices returns a user's devices ordered by device id.
	Devices(user string) ([]Device, error)
	// NoteMessage counts one more message on every background device of
	// the users (Since++, for the badge) and calls visit with each of their
	// devices as it is afterwards: users in the order given, each user's
	// devices by id. visit must not call the store.
	NoteMessage(users []string, visit func(*Device)) error
	// RemoveToken forgets a device's token if it still is the given one (a
	// newer report wins over a late invalid-token answer).
	RemoveToken(user, device string, businessID int, token string) (bool, error)
	// ClaimMessage records a message id; false if it was used before.
	ClaimMessage(id string) (bool, error)
	// AddOutcomes appends outcomes in order. The store may keep os: the
	// caller must not change it afterwards.
	AddOutcomes(os []Outcome) error
	// Outcomes returns the matching outcomes in the order they were added.
	Outcomes(f OutcomeFilter) ([]Outcome, error)
}

// MemoryStore is the in-memory Store. Outcomes and message ids are capped
// (oldest dropped first) so a long-running dispatcher stays bounded.
type MemoryStore struct {
	mu       sync.Mutex
	devices  map[devKey]*Device
	byUser   map[string][]*Device // sorted by device id
	byToken  map[tokenKey]devKey
	claimed  map[string]struct{}
	claimLog []string
	chunks   [][]Outcome      // one per AddOutcomes call, oldest first
	byMsg    map[string][]int // message id → absolute chunk numbers
	dropped  int              // chunks dropped before chunks[0]
	total    int              // outcomes held
	max      int
}

type devKey struct{ user, device string }

type tokenKey struct {
	bid   int
	token string
}

// DefaultMaxOutcomes is the MemoryStore cap when none is given.
const DefaultMaxOutcomes = 1_000_000

// NewMemoryStore returns an empty store keeping at most maxOutcomes
// outcomes and as many message ids (0 = DefaultMaxOutcomes).
func NewMemoryStore(maxOutcomes int) *MemoryStore {
	if maxOutcomes <= 0 {
		maxOutcomes = DefaultMaxOutcomes
	}
	return &MemoryStore{
		devices: map[devKey]*Device{},
		byUser:  map[string][]*Device{},
		byToken: map[tokenKey]devKey{},
		claimed: map[string]struct{}{},
		byMsg:   map[string][]int{},
		max:     maxOutcomes,
	}
}

// Device implements Store.
func (s *MemoryStore) Device(user, device string) (Device, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[devKey{user, device}]
	if !ok {
		return Device{}, false, nil
	}
	return *d, true, nil
}

// UpdateDevice implements Store.
func (s *MemoryStore) UpdateDevice(user, device string, fn func(d *Device, found bool) error) (Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := devKey{user, device}
	cur, found := s.devices[k]
	next := Device{User: user, Device: device}
	if found {
		next = *cur
	}
	if err := fn(&next, found); err != nil {
		return Device{}, err
	}
	next.User, next.Device = user, device
	if !found {
		cur = &Device{}
		s.devices[k] = cur
	}
	oldTok := tokenKey{cur.BusinessID, cur.Token}
	newTok := tokenKey{next.BusinessID, next.Token}
	*cur = next
	if !found {
		list := append(s.byUser[user], cur)
		sort.Slice(list, func(i, j int) bool { return list[i].Device < list[j].Device })
		s.byUser[user] = list
	}
	if oldTok.token != "" && oldTok != newTok && s.byToken[oldTok] == k {
		delete(s.byToken, oldTok)
	}
	if newTok.token != "" {
		if other, ok := s.byToken[newTok]; ok && other != k {
			if od := s.devices[other]; od != nil {
				od.BusinessID, od.Token = 0, ""
			}
		}
		s.byToken[newTok] = k
	}
	return next, nil
}

// Devices implements Store.
func (s *MemoryStore) Devices(user string) ([]Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.byUser[user]
	out := make([]Device, len(list))
	for i, d := range list {
		out[i] = *d
	}
	return out, nil
}

// NoteMessage implements Store.
func (s *MemoryStore) NoteMessage(users []string, visit func(*Device)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var dv Device
	for _, u := range users {
		for _, d := range s.byUser[u] {
			if d.State == Background {
				d.Since++
			}
			dv = *d // visit gets a copy: the store's own stays private
			visit(&dv)
		}
	}
	return nil
}

// RemoveToken implements Store.
func (s *MemoryStore) RemoveToken(user, device string, businessID int, token string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[devKey{user, device}]
	if !ok || d.Token != token || d.BusinessID != businessID {
		return false, nil
	}
	delete(s.byToken, tokenKey{businessID, token})
	d.BusinessID, d.Token = 0, ""
	return true, nil
}

// ClaimMessage implements Store.
func (s *MemoryStore) ClaimMessage(id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.claimed[id]; ok {
		return false, nil
	}
	s.claimed[id] = struct{}{}
	s.claimLog = append(s.claimLog, id)
	if len(s.claimLog) > s.max {
		half := len(s.claimLog) / 2
		for _, old := range s.claimLog[:half] {
			delete(s.claimed, old)
		}
		s.claimLog = append([]string(nil), s.claimLog[half:]...)
	}
	return true, nil
}

// AddOutcomes implements Store. A call's outcomes are kept as given, in
// one chunk, so a group message of 100k devices costs no copy.
func (s *MemoryStore) AddOutcomes(os []Outcome) error {
	if len(os) == 0 {
		return nil
	}
	chunk := slices.Clip(os)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.dropped + len(s.chunks)
	s.chunks = append(s.chunks, chunk)
	s.total += len(chunk)
	last := ""
	for i := range chunk {
		if id := chunk[i].MessageID; id != last {
			if refs := s.byMsg[id]; len(refs) == 0 || refs[len(refs)-1] != n {
				s.byMsg[id] = append(refs, n)
			}
			last = id
		}
	}
	// Over the cap, drop the oldest chunks down to half of it (always
	// keeping the newest), so compaction is rare.
	for s.total > s.max && len(s.chunks) > 1 {
		s.drop()
		if s.total <= s.max/2 {
			break
		}
	}
	return nil
}

// drop forgets the oldest chunk.
func (s *MemoryStore) drop() {
	old := s.chunks[0]
	s.chunks[0] = nil
	s.chunks = s.chunks[1:]
	s.total -= len(old)
	s.dropped++
	for i := range old {
		id := old[i].MessageID
		refs := s.byMsg[id]
		for len(refs) > 0 && refs[0] < s.dropped {
			refs = refs[1:]
		}
		if len(refs) == 0 {
			delete(s.byMsg, id)
		} else {
			s.byMsg[id] = refs
		}
	}
}

// Outcomes implements Store.
func (s *MemoryStore) Outcomes(f OutcomeFilter) ([]Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Outcome
	scan := func(chunk []Outcome) {
		for i := range chunk {
			if f.Match(&chunk[i]) {
				out = append(out, chunk[i])
			}
		}
	}
	if f.MessageID != "" {
		for _, n := range s.byMsg[f.MessageID] {
			scan(s.chunks[n-s.dropped])
		}
		return out, nil
	}
	for _, c := range s.chunks {
		scan(c)
	}
	return out, nil
}
