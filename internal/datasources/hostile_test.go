package datasources_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// What an API that answers wrongly on purpose (or through a proxy that
// rewrites bodies) must not be able to do to a plan: burn CPU, grow without
// bound, retry forever, reach the terminal raw or echo a secret. Each case
// drives the real Terraform CLI against the fake.

// A max age such as 1e-200000 is a valid JSON number that Terraform's wire
// encoding would print digit by digit for minutes.
func TestBucketCORS_hostileMaxAgeIsRefused(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", `[{"id":"tiny","allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e-200000}]`)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Cloudflare answered HTTP 200",
			`Rule 0 (id "tiny") of the API's answer: maxAgeSeconds 1e-200000 is outside the range this provider accepts: 0 to 1e9 seconds`),
	})
}

// Server text is escaped before Terraform prints it: no ESC sequence, no
// hyperlink, no newline that starts a forged "Error:" line.
func TestBucketCORS_hostileTextIsEscaped(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	s.InjectFault(fakeapi.Fault{Status: 403,
		Message: "Authentication error\x1b[2J\x1b]8;;https://evil.example\x07click here\x1b]8;;\x07\nError: forged"})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp(`error 10000: Authentication error\x1b[2J\x1b]8;;https://evil.example\aclick`,
			`here\x1b]8;;\a\nError: forged`),
	})
}
