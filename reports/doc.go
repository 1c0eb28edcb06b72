// Package reports is the data model of a conformance run, its renderers
// (JSON, JUnit XML, Markdown, one self-contained HTML page) and the diff of
// two runs. It imports neither the emulators nor the dispatcher: a report
// is plain data that can be written, read back and compared.
//
// The JSON form is versioned: every document carries "schema":
// "pushsim.report/v1" (Schema), described field by field in
// schema/pushsim.report.v1.json and README.md. Fields are only ever added
// within a version; a rename or a change of meaning makes a new version.
package reports
