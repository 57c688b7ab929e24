package tfkit

import (
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

const acct = "0123456789abcdef0123456789abcdef"

// APIErrorDiagnostic's cases are tested here once; each wrapper below is
// tested only for its own phrase.
func TestAPIErrorDiagnostic(t *testing.T) {
	const what = "when doing the test call"
	cases := []struct {
		name     string
		err      error
		summary  string
		contains []string
		lacks    []string
	}{
		{
			name:    "bucket not found hints at jurisdiction",
			err:     &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10006, Message: "The specified bucket does not exist."}}, Attempts: 1},
			summary: "R2 Bucket Not Found",
			contains: []string{"Cloudflare answered HTTP 404 when doing the test call.",
				"error 10006: The specified bucket does not exist.", `jurisdiction = "eu"`},
		},
		{
			name:     "auth failure names the permission",
			err:      &r2api.Error{StatusCode: 403, Errors: []r2api.APIMessage{{Code: 10000, Message: "Authentication error"}}},
			summary:  "R2 API Authentication Failed",
			contains: []string{"HTTP 403", "error 10000: Authentication error", "Workers R2 Storage Read"},
		},
		{
			name:     "invalid token",
			err:      &r2api.Error{StatusCode: 400, Errors: []r2api.APIMessage{{Code: 9109, Message: "Invalid access token"}}},
			summary:  "R2 API Authentication Failed",
			contains: []string{"HTTP 400", "error 9109: Invalid access token", "Workers R2 Storage Read"},
		},
		{
			name:     "401 without codes",
			err:      &r2api.Error{StatusCode: 401, Body: "Unauthorized"},
			summary:  "R2 API Authentication Failed",
			contains: []string{"HTTP 401", "Response body (start): Unauthorized"},
		},
		{
			name: "every code is shown",
			err: &r2api.Error{StatusCode: 400, Errors: []r2api.APIMessage{
				{Code: 10040, Message: "first"}, {Code: 10041, Message: "second"}}},
			summary:  "Cannot Test",
			contains: []string{"error 10040: first", "error 10041: second"},
		},
		{
			name:     "account unreachable",
			err:      &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7003, Message: "Could not route to /accounts/x"}}},
			summary:  "R2 Account Not Found",
			contains: []string{"error 7003", "Check account_id"},
		},
		{
			name:     "server error with HTML body after retries",
			err:      &r2api.Error{StatusCode: 502, Body: "<html>Bad gateway</html>", Attempts: 5},
			summary:  "Cannot Test",
			contains: []string{"HTTP 502", "<html>Bad gateway</html>", "Attempts made: 5.", "passing problem"},
		},
		{
			name:     "rate limited with reason",
			err:      &r2api.Error{StatusCode: 429, Errors: []r2api.APIMessage{{Code: 971, Message: "Please wait"}}, Reason: "the API asked to wait 2m0s"},
			summary:  "Cannot Test",
			contains: []string{"HTTP 429", "error 971", "The API asked to wait 2m0s.", "-parallelism"},
		},
		{
			name:     "reason of a later page",
			err:      &r2api.Error{StatusCode: 502, Body: "<html>Bad gateway</html>", Attempts: 5, Reason: "while reading page 2 of the bucket list (1000 buckets read before it)"},
			summary:  "Cannot Test",
			contains: []string{"HTTP 502", "While reading page 2", "<html>Bad gateway</html>", "Attempts made: 5.", "passing problem"},
		},
		{
			name:     "no answer at all",
			err:      &r2api.Error{Reason: "no usable answer: connection refused", Attempts: 3},
			summary:  "Cannot Test",
			contains: []string{"Cloudflare gave no usable answer when doing the test call.", "No usable answer: connection refused.", "Attempts made: 3."},
		},
		{
			name: "permanent failure is not called passing",
			err: &r2api.Error{Reason: "no usable answer: stopped after 3 redirects", Attempts: 1, Permanent: true,
				BaseURL: "https://proxy.example/client/v4", BaseURLSource: "base_url"},
			summary: "Cannot Test",
			contains: []string{"No usable answer: stopped after 3 redirects.", "Retrying will not help",
				"The requests went to https://proxy.example/client/v4, set by the provider's base_url attribute"},
			lacks: []string{"likely a passing problem", "Attempts made"},
		},
		{
			name: "connection failure names a base URL from the environment",
			err: &r2api.Error{Reason: "no usable answer: i/o timeout", Attempts: 5,
				BaseURL: "https://proxy.example/client/v4", BaseURLSource: "CLOUDFLARE_BASE_URL"},
			summary: "Cannot Test",
			contains: []string{"The requests went to https://proxy.example/client/v4, set by the CLOUDFLARE_BASE_URL environment variable",
				"not to Cloudflare's " + r2api.DefaultBaseURL},
		},
		{
			name: "no route names the base URL",
			err: &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7000, Message: "No route for that URI"}},
				BaseURL: "http://127.0.0.1:8787", BaseURLSource: "base_url"},
			summary:  "Cannot Test",
			contains: []string{"error 7000: No route for that URI", "The requests went to http://127.0.0.1:8787", "paths start with /client/v4"},
		},
		{
			name: "account unreachable names the base URL too",
			err: &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7003, Message: "Could not route"}},
				BaseURL: "http://127.0.0.1:8787/client/v4", BaseURLSource: "base_url"},
			summary:  "R2 Account Not Found",
			contains: []string{"Check account_id", "The requests went to http://127.0.0.1:8787/client/v4"},
		},
		{
			name:     "the default base URL is not named",
			err:      &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7000, Message: "No route for that URI"}}},
			summary:  "Cannot Test",
			contains: []string{"error 7000"},
			lacks:    []string{"The requests went to"},
		},
		{
			name: "nothing listening at a loopback base URL",
			err: &r2api.Error{Reason: "no usable answer: dial tcp 127.0.0.1:8787: connect: connection refused", Attempts: 1, Permanent: true,
				BaseURL: "http://127.0.0.1:8787/client/v4", BaseURLSource: "CLOUDFLARE_BASE_URL", Err: syscall.ECONNREFUSED},
			summary: "Cannot Test",
			contains: []string{"Nothing is listening at http://127.0.0.1:8787/client/v4 (connection refused) when doing the test call.",
				"set by the CLOUDFLARE_BASE_URL environment variable", "Is the server it names running"},
			lacks: []string{"Cloudflare gave no usable answer", "paths start with /client/v4"},
		},
		{
			name: "https at a plain http server",
			err: &r2api.Error{Reason: "no usable answer: http: server gave HTTP response to HTTPS client", Attempts: 1, Permanent: true,
				BaseURL: "https://127.0.0.1:8787/client/v4", BaseURLSource: "base_url", Err: http.ErrSchemeMismatch},
			summary: "Cannot Test",
			contains: []string{"The server at https://127.0.0.1:8787/client/v4 speaks plain http, not https, when doing the test call.",
				"write it as http://127.0.0.1:8787/client/v4"},
			lacks: []string{"Cloudflare gave no usable answer", "paths start with /client/v4"},
		},
		{
			name:     "plain error",
			err:      errors.New("boom"),
			summary:  "Cannot Test",
			contains: []string{"The call failed when doing the test call: boom"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := APIErrorDiagnostic(tc.err, "Cannot Test", what, "")
			if summary != tc.summary {
				t.Errorf("summary = %q, want %q", summary, tc.summary)
			}
			for _, want := range tc.contains {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			for _, unwanted := range tc.lacks {
				if strings.Contains(detail, unwanted) {
					t.Errorf("detail holds %q:\n%s", unwanted, detail)
				}
			}
		})
	}
}

func TestWhere(t *testing.T) {
	cases := map[string]struct {
		w    Where
		want string
	}{
		"bucket without jurisdiction": {Where{Account: acct, Bucket: "media"},
			`account ` + acct + `, bucket "media", jurisdiction "default" (no cf-r2-jurisdiction header sent)`},
		"bucket in eu": {Where{Account: acct, Bucket: "media", Jurisdiction: "eu"},
			`account ` + acct + `, bucket "media", jurisdiction "eu"`},
		"list with a filter": {Where{Account: acct, NameContains: "assets"},
			`account ` + acct + `, jurisdiction "default" (no cf-r2-jurisdiction header sent), name_contains "assets"`},
		"list in us": {Where{Account: acct, Jurisdiction: "us"}, `account ` + acct + `, jurisdiction "us"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.w.String(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Each wrapper adds its summary and its phrase; the rest is APIErrorDiagnostic's.
func TestErrorDiagnosticWrappers(t *testing.T) {
	failure := &r2api.Error{StatusCode: 400, Errors: []r2api.APIMessage{{Code: 10040, Message: "bad"}}}
	notFound := &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10006, Message: "The specified bucket does not exist."}}}
	cases := []struct {
		name            string
		summary, detail string
		wantSummary     string
		want            string
	}{
		{name: "read", wantSummary: "Cannot Read R2 Bucket CORS Policy",
			want: `Cloudflare answered HTTP 400 when reading the CORS policy of account ` + acct + `, bucket "media", jurisdiction "eu".`},
		{name: "read of a missing bucket", wantSummary: "R2 Bucket Not Found",
			want: `when reading the CORS policy of account ` + acct + `, bucket "media", jurisdiction "default" (no cf-r2-jurisdiction header sent).`},
		{name: "read of a missing bucket in eu", wantSummary: "R2 Bucket Not Found",
			want: `It was looked for in the "eu" jurisdiction only: a bucket in another jurisdiction is invisible there. ` +
				`Set jurisdiction to the bucket's ("default", "fedramp" or "us"), or leave it out for the default jurisdiction.`},
		{name: "list", wantSummary: "Cannot List R2 Buckets",
			want: `Cloudflare answered HTTP 400 when listing the buckets of account ` + acct + `, jurisdiction "default" (no cf-r2-jurisdiction header sent), name_contains "assets".`},
		{name: "unexpected policy", wantSummary: "Unexpected R2 CORS Policy",
			want: `The CORS policy of account ` + acct + `, bucket "media", jurisdiction "eu" cannot be written to state: too odd.`},
	}
	cases[0].summary, cases[0].detail = ReadCORSErrorDiagnostic(failure, acct, "media", "eu")
	cases[1].summary, cases[1].detail = ReadCORSErrorDiagnostic(notFound, acct, "media", "")
	cases[2].summary, cases[2].detail = ReadCORSErrorDiagnostic(notFound, acct, "media", "eu")
	cases[3].summary, cases[3].detail = ListBucketsErrorDiagnostic(failure, acct, "", "assets")
	cases[4].summary, cases[4].detail = UnexpectedPolicyDiagnostic(errors.New("too odd"), acct, "media", "eu")
	if strings.Contains(cases[2].detail, `set jurisdiction = "eu"`) {
		t.Errorf("a read in eu is told to set the jurisdiction it has:\n%s", cases[2].detail)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.summary != tc.wantSummary {
				t.Errorf("summary = %q, want %q", tc.summary, tc.wantSummary)
			}
			if !strings.Contains(tc.detail, tc.want) {
				t.Errorf("detail lacks %q:\n%s", tc.want, tc.detail)
			}
		})
	}
}
