package huawei

import (
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// Huawei's offline store: what Push Kit keeps for a phone it cannot reach,
// applied by the world's offline store (world.OfflineStore).

// defOfflineCache is how many messages an EMUI phone gets after it
// reconnects (App.Quotas offline_cache).
const defOfflineCache = 10

// holdKey is a message's group in the offline store: collapse_key (v1) or
// pushOptions.collapseKey (v3) 0..100, of which only the newest is kept;
// -1, the default, keeps every message. v1's 0 is "platform default (usually
// newest only)" (vendor-facts/huawei-oppo-fcm-honor.md §1.3 collapse_key),
// read as one more group, as v3's current doc has it
// (apns-honor-huawei-v3.md §3.3): the two readings agree when every
// message carries 0. Keys 0..99 cost no allocation.
func holdKey(collapse int) string {
	if collapse < 0 {
		return ""
	}
	return strconv.Itoa(collapse)
}

// offlineStore is the v1 (EMUI) store: the newest message per collapse_key
// group (huawei.offline.collapse-key), and "by default at most 10 cached
// messages per user are delivered after reconnect"
// (huawei-oppo-fcm-honor.md §1.5; App.Quotas offline_cache, a negative value
// leaves only the world's cap). Which ten the facts do not say: the
// emulator keeps the newest and drops the oldest (huawei.offline.cache).
func offlineStore(app *world.App) world.OfflineStore {
	return world.OfflineStore{
		Limit:        max(app.Quota("offline_cache", defOfflineCache), 0),
		OverflowRule: RuleOfflineCache,
		ReplacedRule: RuleOfflineCollapse,
	}
}

// offlineStoreV3 is the v3 (HarmonyOS) store: the newest message per
// collapseKey group. The v3 facts give no count, so the world's cap holds.
var offlineStoreV3 = world.OfflineStore{ReplacedRule: RuleV3CollapseKey}
