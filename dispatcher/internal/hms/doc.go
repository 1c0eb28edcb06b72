// Package hms is what the dispatcher's Huawei and Honor clients share.
//
// Honor's push server API is a fork of Huawei's HMS Push Kit v1: "a
// camelCase, Huawei-like REST API" whose error codes are Huawei's numbers
// (vendor-facts/apns-honor-huawei-v3.md §2, huawei-oppo-fcm-honor.md §1).
// So dispatcher/huawei (v1, and the send path of v3) and dispatcher/honor
// get a client-credentials access token, post a batch, read the answer and
// build the app's data the same way, and this package is that one way.
// What differs between the two vendors (success codes, field names and
// their spelling, the token answer's details, limits) stays in the vendor
// package or is an explicit parameter here, never a second copy.
//
// It is internal to the dispatcher: the vendor packages may not import each
// other (DESIGN.md), and nothing outside the dispatcher needs it.
package hms

// Result codes Huawei defines and Honor answers with the same numbers
// (huawei-oppo-fcm-honor.md §1.4, §1.7; apns-honor-huawei-v3.md §2.4).
const (
	CodeAuth       = "80200001" // the access token is refused
	CodeExpired    = "80200003" // the access token expired
	CodeAllInvalid = "80300007" // every token is invalid
	CodeTestLimit  = "80300029" // over the daily quota of test messages
	CodeInternal   = "81000001" // an internal error of the push server
)

// maxAnswer is the most bytes of an answer the clients read.
const maxAnswer = 1 << 20
