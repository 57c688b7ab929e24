// Package jurisdictions holds R2's jurisdictions, the one list the
// validators, the API client, the review, the fake API and the docs derive
// from. Cloudflare added "us" on 2026-08-17, after its OpenAPI schema was
// cut (internal/fakeapi/testdata/API.md): it is a value like the others.
package jurisdictions

import (
	"slices"
	"strings"
)

// Default is the jurisdiction of a bucket created without one; the API
// reads a request without the cf-r2-jurisdiction header as it.
const Default = "default"

// All are the values of the cf-r2-jurisdiction header, in the order the
// sweep reads them and the docs list them.
var All = []string{Default, "eu", "fedramp", "us"}

// OrDefault names the jurisdiction of a request that sent j as its
// cf-r2-jurisdiction header: Default for none ("").
func OrDefault(j string) string {
	if j == "" {
		return Default
	}
	return j
}

// Header is what a request for jurisdiction j sends as the
// cf-r2-jurisdiction header: none ("") for Default, as the data sources
// send it, so that a read of the default jurisdiction is the API's plain
// request.
func Header(j string) string {
	if j == Default {
		return ""
	}
	return j
}

// Valid reports whether j is one of All, exactly (lowercase).
func Valid(j string) bool { return slices.Contains(All, j) }

// List is All for a message: default, eu, fedramp, us.
func List() string { return strings.Join(All, ", ") }

// Others are the jurisdictions a bucket is in only when created so: All
// but Default.
func Others() []string { return All[1:] }

// Quote lists js for docs, joined by conj: Quote(Others(), "or") is
// `eu`, `fedramp` or `us`.
func Quote(js []string, conj string) string {
	q := make([]string, len(js))
	for i, j := range js {
		q[i] = "`" + j + "`"
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}
