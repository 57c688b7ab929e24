package review

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

const benchRules = `[{"id":"app","allowed":{"methods":["GET","HEAD"],` +
	`"origins":["https://app.example.com","https://www.example.com"],"headers":["content-type","authorization"]},` +
	`"exposeHeaders":["ETag","Content-Length"],"maxAgeSeconds":3600},` +
	`{"id":"uploads","allowed":{"methods":["PUT","POST"],"origins":["https://app.example.com"],` +
	`"headers":["content-type","x-amz-meta-*"]},"maxAgeSeconds":600}]`

// BenchmarkReview1000 is one review of the bench's sweep of 1000 buckets,
// every one approved, with its reports.
func BenchmarkReview1000(b *testing.B) {
	var rules []cors.Rule
	if err := json.Unmarshal([]byte(benchRules), &rules); err != nil {
		b.Fatal(err)
	}
	text, _ := FormatBaseline(rules)
	buckets := make([]Bucket, 1000)
	for i := range buckets {
		buckets[i] = Bucket{Jurisdiction: "default", Name: fmt.Sprintf("bucket-%04d", i), Rules: rules}
	}
	for b.Loop() {
		approved := map[string][]cors.Rule{}
		for _, bk := range buckets {
			approved[Key(bk.Jurisdiction, bk.Name)], _ = ParseBaseline(text)
		}
		r, err := Run(buckets, Options{Approved: approved})
		if err != nil || !r.Passed {
			b.Fatal(err, r.Headline())
		}
		_ = r.Text()
		_, _ = r.JSON()
		_, _ = r.SARIF()
		_, _ = r.Baselines()
	}
}
