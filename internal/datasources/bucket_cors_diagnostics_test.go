package datasources

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

const acct = "0123456789abcdef0123456789abcdef"

func TestReadErrorDiagnostic(t *testing.T) {
	cases := []struct {
		name         string
		err          error
		jurisdiction string
		summary      string
		contains     []string
	}{
		{
			name:    "bucket not found hints at jurisdiction",
			err:     &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10006, Message: "The specified bucket does not exist."}}, Attempts: 1},
			summary: "R2 Bucket Not Found",
			contains: []string{"HTTP 404", "error 10006: The specified bucket does not exist.", acct, `"media"`,
				`jurisdiction "default" (no cf-r2-jurisdiction header sent)`, `jurisdiction = "eu"`},
		},
		{
			name:         "auth failure names the permission",
			err:          &r2api.Error{StatusCode: 403, Errors: []r2api.APIMessage{{Code: 10000, Message: "Authentication error"}}},
			jurisdiction: "eu",
			summary:      "R2 API Authentication Failed",
			contains:     []string{"HTTP 403", "error 10000: Authentication error", "Workers R2 Storage Read", `jurisdiction "eu"`},
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
			summary:  "Cannot Read R2 Bucket CORS Policy",
			contains: []string{"error 10040: first", "error 10041: second"},
		},
		{
			name:     "account unreachable",
			err:      &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7003, Message: "Could not route to /accounts/x"}}},
			summary:  "R2 Account Not Found",
			contains: []string{"error 7003", "account_id"},
		},
		{
			name:     "server error with HTML body after retries",
			err:      &r2api.Error{StatusCode: 502, Body: "<html>Bad gateway</html>", Attempts: 5},
			summary:  "Cannot Read R2 Bucket CORS Policy",
			contains: []string{"HTTP 502", "<html>Bad gateway</html>", "Attempts made: 5.", "passing problem"},
		},
		{
			name:     "rate limited with reason",
			err:      &r2api.Error{StatusCode: 429, Errors: []r2api.APIMessage{{Code: 971, Message: "Please wait"}}, Reason: "the API asked to wait 2m0s"},
			summary:  "Cannot Read R2 Bucket CORS Policy",
			contains: []string{"HTTP 429", "error 971", "The API asked to wait 2m0s.", "-parallelism"},
		},
		{
			name:     "no answer at all",
			err:      &r2api.Error{Reason: "no usable answer: connection refused", Attempts: 3},
			summary:  "Cannot Read R2 Bucket CORS Policy",
			contains: []string{"no usable answer", "No usable answer: connection refused.", "Attempts made: 3."},
		},
		{
			name:     "plain error",
			err:      errors.New("boom"),
			summary:  "Cannot Read R2 Bucket CORS Policy",
			contains: []string{"boom", acct},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := readErrorDiagnostic(tc.err, acct, "media", tc.jurisdiction)
			if summary != tc.summary {
				t.Errorf("summary = %q, want %q", summary, tc.summary)
			}
			for _, want := range tc.contains {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
		})
	}
}

func TestBucketCORSSchemaValid(t *testing.T) {
	var resp datasource.SchemaResponse
	NewBucketCORSDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("ValidateImplementation: %v", diags)
	}
	// The mapping builds values of corsstate's type; the schema must agree.
	want := types.ListType{ElemType: corsstate.RuleObjectType}
	if got := resp.Schema.Attributes["rules"].GetType(); !got.Equal(want) {
		t.Fatalf("rules type = %s, want %s", got, want)
	}
}

// The direct state value must equal what the framework's State.Set builds.
func TestBucketCORSStateValueMatchesStateSet(t *testing.T) {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	NewBucketCORSDataSource().Schema(ctx, datasource.SchemaRequest{}, &sr)
	rules, err := r2api.DecodeCORS([]byte(`{"success":true,"errors":[],"messages":[],"result":{"rules":[` +
		`{"id":"a","allowed":{"methods":["GET"],"origins":["*"],"headers":[]},"exposeHeaders":["ETag"],"maxAgeSeconds":1.5},` +
		`{"allowed":{"methods":["PUT"],"origins":["https://x.example"]}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	list, err := corsstate.RulesToState(rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, jurisdiction := range []types.String{types.StringNull(), types.StringValue("eu")} {
		m := bucketCORSModel{
			ID: types.StringValue("x"), AccountID: types.StringValue(acct), BucketName: types.StringValue("media"),
			Jurisdiction: jurisdiction, Rules: list,
		}
		want := tfsdk.State{Schema: sr.Schema}
		if diags := want.Set(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
		got, err := m.terraformValue(ctx, sr.Schema.Type().TerraformType(ctx))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want.Raw) {
			t.Errorf("direct value differs from State.Set:\n got %s\nwant %s", got, want.Raw)
		}
	}
}
