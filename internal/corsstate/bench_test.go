package corsstate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// benchRules are the shapes of rule a real policy mixes: every field set,
// only the required ones, and a fractional max age.
var benchRules = []string{
	`{"id":"app-%d","allowed":{"methods":["GET","HEAD"],"origins":["https://app.example.com","https://www.example.com"],` +
		`"headers":["content-type","authorization"]},"exposeHeaders":["ETag","Content-Length"],"maxAgeSeconds":3600}`,
	`{"allowed":{"methods":["PUT","POST"],"origins":["https://upload-%d.example.com"]}}`,
	`{"id":"cdn-%d","allowed":{"methods":["GET"],"origins":["*"],"headers":["*"]},"maxAgeSeconds":86400.5}`,
}

// corsBody is a Get Bucket CORS Policy answer with n rules, as the API
// sends it.
func corsBody(n int) []byte {
	rules := make([]string, n)
	for i := range rules {
		rules[i] = fmt.Sprintf(benchRules[i%len(benchRules)], i)
	}
	return []byte(`{"success":true,"errors":[],"messages":[],"result":{"rules":[` + strings.Join(rules, ",") + `]}}`)
}

var benchSizes = []int{1, 10, 100}

// BenchmarkDecodeAndMap is what a read does with an answer: decode the body
// and map the rules to the state value.
func BenchmarkDecodeAndMap(b *testing.B) {
	for _, n := range benchSizes {
		body := corsBody(n)
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				rules, err := r2api.DecodeCORS(body)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := corsstate.RulesToState(rules); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeCORS is the decoding half of BenchmarkDecodeAndMap.
func BenchmarkDecodeCORS(b *testing.B) {
	for _, n := range benchSizes {
		body := corsBody(n)
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := r2api.DecodeCORS(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRulesToState is the mapping half of BenchmarkDecodeAndMap.
func BenchmarkRulesToState(b *testing.B) {
	for _, n := range benchSizes {
		rules, err := r2api.DecodeCORS(corsBody(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := corsstate.RulesToState(rules); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
