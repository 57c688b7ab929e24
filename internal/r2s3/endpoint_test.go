package r2s3_test

import (
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

func TestEndpoint(t *testing.T) {
	const a = "023e105f4ecef8ad9ca31a8372d0c353"
	for _, tc := range []struct{ template, jur, want string }{
		{"", "", "https://" + a + ".r2.cloudflarestorage.com"},
		{"", "default", "https://" + a + ".r2.cloudflarestorage.com"},
		{"", "eu", "https://" + a + ".eu.r2.cloudflarestorage.com"},
		{"", "fedramp", "https://" + a + ".fedramp.r2.cloudflarestorage.com"},
		{"", "us", "https://" + a + ".us.r2.cloudflarestorage.com"},
		{"http://127.0.0.1:8787/s3/{account_id}/{jurisdiction}/", "", "http://127.0.0.1:8787/s3/" + a + "/default"},
		{"https://{account_id}.{jurisdiction}.proxy.example", "eu", "https://" + a + ".eu.proxy.example"},
	} {
		if got := r2s3.Endpoint(tc.template, a, tc.jur); got != tc.want {
			t.Errorf("Endpoint(%q, %q) = %q, want %q", tc.template, tc.jur, got, tc.want)
		}
	}
}

func TestValidateEndpointTemplate(t *testing.T) {
	for _, ok := range []string{
		"https://{account_id}.{jurisdiction}.proxy.example",
		"https://proxy.example/r2/{account_id}/{jurisdiction}",
		"http://127.0.0.1:8787/s3/{account_id}/{jurisdiction}",
		"http://[::1]:8787/s3/{account_id}/{jurisdiction}",
		"http://localhost:8787/{jurisdiction}/{account_id}",
	} {
		if err := r2s3.ValidateEndpointTemplate(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, tc := range []struct{ template, want string }{
		{"http://{account_id}.{jurisdiction}.proxy.example", "only https is allowed, except on a loopback address"},
		{"http://{account_id}.localhost/{jurisdiction}", "only https is allowed"},
		{"ftp://proxy.example/{account_id}/{jurisdiction}", "must use https"},
		{"https://proxy.example/{account_id}", "no {jurisdiction} placeholder"},
		{"https://proxy.example/{jurisdiction}", "no {account_id} placeholder"},
		{"https://proxy.example/{account_id}/{jurisdiction}/{bucket}", "a brace"},
		{"https://proxy.example/{account_id}/{jurisdiction}?x=1", "no query or fragment"},
		{"https://proxy.example/{account_id}/{jurisdiction}#f", "no query or fragment"},
		{"https://TOKEN@proxy.example/{account_id}/{jurisdiction}", "must not carry credentials"},
		{"https://proxy.example:{account_id}/{jurisdiction}", "not an absolute URL"},
		{"{account_id}/{jurisdiction}", "not an absolute URL"},
	} {
		err := r2s3.ValidateEndpointTemplate(tc.template)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.template, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "TOKEN") {
			t.Errorf("%s: the error repeats the user information: %v", tc.template, err)
		}
	}
}
