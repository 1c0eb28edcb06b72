package world

// Rule levels, as in the conformance reports.
const (
	MUST   = "MUST"
	SHOULD = "SHOULD"
	INFO   = "INFO"
)

// Rule is one rule an emulator enforces, with a stable dotted id
// (`vendor.topic.rule`, e.g. `oppo.channel.required`) used in the ledger,
// scenarios and reports, and where the fact comes from.
type Rule struct {
	ID         string `json:"id"`
	Vendor     string `json:"vendor"`
	Statement  string `json:"statement"`
	Level      string `json:"level"`      // MUST, SHOULD, INFO
	Source     string `json:"source"`     // e.g. "vendor-facts/xiaomi-meizu-vivo.md §1.5"
	Confidence string `json:"confidence"` // documented, secondary, inferred
}
