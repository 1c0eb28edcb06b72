package huawei

// ParseTTL exposes android.ttl parsing to table tests.
var ParseTTL = parseTTL
