// Package cors holds the domain of an R2 bucket's CORS policy: the Rule type as
// the API defines it. It has no Terraform imports, so it is easy to test, fuzz
// and benchmark on its own.
package cors

import "encoding/json"

// Methods are the HTTP methods an R2 CORS rule may allow, in the API's order.
var Methods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// Rule mirrors one rule of the API's CORS policy exactly.
//
// Decoding goes through UnmarshalJSON (decode.go), which matches the wire
// names (camelCase) exactly; encoding/json alone would also accept "ID" or
// "ALLOWED". The JSON tags name the same members for encoding, which only
// tests use (to write a rule back as the API would send it).
//
// A nil slice or pointer means the API left the field out (or sent null); an
// empty, non-nil slice means it sent an empty list. The two are kept apart on
// purpose: Terraform state shows the difference.
type Rule struct {
	ID            *string  `json:"id,omitempty"`
	Allowed       *Allowed `json:"allowed"`
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	// MaxAgeSeconds keeps the number exactly as the API wrote it (the schema
	// says "number", not integer, so 1.5 or 1e3 must survive unchanged).
	MaxAgeSeconds *json.Number `json:"maxAgeSeconds,omitempty"`
}

// Allowed is what a rule lets through: origins, methods and request headers.
type Allowed struct {
	Methods []string `json:"methods"`
	Origins []string `json:"origins"`
	Headers []string `json:"headers,omitempty"`
}
