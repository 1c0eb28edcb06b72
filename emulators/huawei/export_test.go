package huawei

// FlatExtras exposes the data-extras fast path to the fuzz target.
var FlatExtras = flatExtras

// ParseTTL exposes android.ttl parsing to table tests.
var ParseTTL = parseTTL
