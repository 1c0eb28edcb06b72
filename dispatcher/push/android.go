package push

import (
	"hash/fnv"
	"strconv"
)

// ActivityIntent is the intent URI (Intent.toUri form) that opens activity
// cls of app pkg; cls is read as ActivityClass does, and one starting with
// '.' stays relative to pkg. Xiaomi, Huawei and Honor open an activity
// through such a URI.
func ActivityIntent(pkg, cls string) string {
	return "intent:#Intent;component=" + pkg + "/" + ActivityClass(cls) + ";end"
}

// AndroidNotifyID is the Android notification id (0…2147483647) a
// Push.NotifyID stands for: a number in that range as is, anything else
// hashed (FNV-1a), so the same string always gives the same id.
func AndroidNotifyID(s string) int32 {
	if n, err := strconv.ParseInt(s, 10, 32); err == nil && n >= 0 {
		return int32(n)
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return int32(h.Sum32() & 0x7fffffff)
}
