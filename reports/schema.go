package reports

import _ "embed"

// SchemaJSON is the JSON Schema (draft 2020-12) of the report format named by Schema.
//
//go:embed schema/pushsim.report.v1.json
var SchemaJSON []byte
