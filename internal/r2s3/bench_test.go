package r2s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// BenchmarkGetBucketCORS1000 reads 1000 buckets per op through the S3
// reader against the fake on loopback, with the reader's concurrency, as a
// sweep would: the time and allocations of the reader, the SDK, the check
// and the fake together (the fake's share is its signature check and the
// XML it writes). bytes and allocs per read are reported.
func BenchmarkGetBucketCORS1000(b *testing.B) {
	const n = 1000
	s := newFake(b)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("bucket-%04d", i)
		s.SetCORS(fakeapi.ExampleAccountID, "", names[i],
			`[{"id":"web","allowed":{"methods":["GET","HEAD"],"origins":["https://app.example.com"],"headers":["*"]},"exposeHeaders":["ETag"],"maxAgeSeconds":3600}]`)
	}
	r := newReader(b, s, func(c *r2s3.Config) { c.Policy.HTTPClient = nil })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		next := make(chan string)
		var wg sync.WaitGroup
		for range r.Concurrency() {
			wg.Go(func() {
				for name := range next {
					if _, err := r.GetBucketCORS(ctx, "", name); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for _, name := range names {
			next <- name
		}
		close(next)
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/read")
	if st := s.S3Stats(); st.Requests != b.N*n {
		b.Fatalf("%d S3 requests for %d reads", st.Requests, b.N*n)
	}
}

// cannedPolicy answers every request with one policy, in memory.
type cannedPolicy []byte

func (c cannedPolicy) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/xml"}},
		Body: io.NopCloser(bytes.NewReader(c)), ContentLength: int64(len(c)), Request: req}, nil
}

// BenchmarkGetBucketCORSReaderOnly is one read without a network or a
// server: what the reader, the S3 SDK and the strict check cost per read.
func BenchmarkGetBucketCORSReaderOnly(b *testing.B) {
	body, err := fakeapi.PolicyXML(`[{"id":"web","allowed":{"methods":["GET","HEAD"],"origins":["https://app.example.com"],"headers":["*"]},"exposeHeaders":["ETag"],"maxAgeSeconds":3600}]`)
	if err != nil {
		b.Fatal(err)
	}
	r, err := r2s3.NewReader(r2s3.Config{AccountID: fakeapi.ExampleAccountID, Credentials: r2s3.DeriveS3Credentials(token, "id"),
		Policy: r2api.Policy{HTTPClient: &http.Client{Transport: cannedPolicy(body)}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.GetBucketCORS(ctx, "eu", "media"); err != nil {
			b.Fatal(err)
		}
	}
}
