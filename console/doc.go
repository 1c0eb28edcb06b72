// Package console is pushsim's local web console: one page, served by
// `pushsim serve` at "/", where a developer watches pushes arrive the way
// Mailpit shows mail. It shows every simulated phone as a phone-sized card
// with its notification shade (and what arrived but was not shown, with the
// reason and the rule id), the ledger of vendor requests with the masked
// request and response and the rule's source in the vendor facts, today's
// quotas as bars, and controls for phones, the virtual clock, faults and
// reset.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: no
// build step, no CDN, it works offline. It talks to nothing but the
// documented control plane (/_pushsim/..., live updates from the
// Server-Sent Events of GET /_pushsim/events), so it is also an example of
// that API.
package console
