package datasources

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

func TestBucketsSchemaValid(t *testing.T) {
	var resp datasource.SchemaResponse
	NewBucketsDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("ValidateImplementation: %v", diags)
	}
	// bucketsToState builds values of bucketAttrTypes; the schema must agree.
	want := types.ListType{ElemType: types.ObjectType{AttrTypes: bucketAttrTypes}}
	if got := resp.Schema.Attributes["buckets"].GetType(); !got.Equal(want) {
		t.Fatalf("buckets type = %s, want %s", got, want)
	}
	// Every attribute is documented, nested ones included.
	var check func(path string, attrs map[string]schema.Attribute)
	check = func(path string, attrs map[string]schema.Attribute) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", path, name)
			}
			if n, ok := a.(schema.ListNestedAttribute); ok {
				check(path+name+".", n.NestedObject.Attributes)
			}
		}
	}
	check("", resp.Schema.Attributes)
	if !strings.Contains(resp.Schema.MarkdownDescription, "for b in data.r2_buckets.all.buckets : b.name => b") {
		t.Error("the description lacks the for_each example")
	}
}

func TestBucketsToState(t *testing.T) {
	s := func(v string) *string { return &v }
	list, diags := bucketsToState([]r2api.Bucket{
		{Name: "full", CreationDate: s("2024-01-02T03:04:05.678Z"), Location: s("enam"), Jurisdiction: s("eu"), StorageClass: s("Standard")},
		{Name: "bare"},
		{Name: "empty", Location: s("")},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	elems := list.Elements()
	if len(elems) != 3 {
		t.Fatalf("elements = %d", len(elems))
	}
	attrs := func(i int) map[string]attr.Value {
		obj, ok := elems[i].(types.Object)
		if !ok {
			t.Fatalf("element %d is %T", i, elems[i])
		}
		return obj.Attributes()
	}
	if got := attrs(0)["jurisdiction"]; !got.Equal(types.StringValue("eu")) {
		t.Errorf("full.jurisdiction = %s", got)
	}
	for _, k := range []string{"creation_date", "location", "jurisdiction", "storage_class"} {
		if got := attrs(1)[k]; !got.IsNull() {
			t.Errorf("bare.%s = %s, want null", k, got)
		}
	}
	if got := attrs(2)["location"]; !got.Equal(types.StringValue("")) {
		t.Errorf("empty.location = %s, want \"\" (empty is not absent)", got)
	}

	empty, diags := bucketsToState([]r2api.Bucket{})
	if diags.HasError() || empty.IsNull() || len(empty.Elements()) != 0 {
		t.Fatalf("no buckets: %s, %v; want an empty, non-null list", empty, diags)
	}
}

func TestListErrorDiagnostic(t *testing.T) {
	cases := []struct {
		name, jurisdiction, contains string
		err                          error
		summary                      string
		want                         []string
	}{
		{
			name:     "auth failure names the permission",
			err:      &r2api.Error{StatusCode: 403, Errors: []r2api.APIMessage{{Code: 10000, Message: "Authentication error"}}},
			summary:  "R2 API Authentication Failed",
			contains: "assets",
			want: []string{"Cloudflare answered HTTP 403 when listing the buckets of account " + acct,
				`jurisdiction "default" (no cf-r2-jurisdiction header sent), name_contains "assets".`,
				"error 10000: Authentication error", "Workers R2 Storage Read"},
		},
		{
			name:         "account unreachable",
			err:          &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 7003, Message: "Could not route"}}},
			jurisdiction: "us",
			summary:      "R2 Account Not Found",
			want:         []string{`jurisdiction "us".`, "error 7003", "Check account_id"},
		},
		{
			name:    "rate limited",
			err:     &r2api.Error{StatusCode: 429, Reason: "the API asked to wait 2m0s", Attempts: 1},
			summary: "Cannot List R2 Buckets",
			want:    []string{"HTTP 429", "The API asked to wait 2m0s.", "-parallelism"},
		},
		{
			name:    "second page failed after retries",
			err:     &r2api.Error{StatusCode: 502, Body: "<html>Bad gateway</html>", Attempts: 5, Reason: "while reading page 2 of the bucket list (1000 buckets read before it)"},
			summary: "Cannot List R2 Buckets",
			want:    []string{"HTTP 502", "While reading page 2", "<html>Bad gateway</html>", "Attempts made: 5.", "passing problem"},
		},
		{
			name:    "no answer at all",
			err:     &r2api.Error{Reason: "no usable answer: connection refused", Attempts: 3},
			summary: "Cannot List R2 Buckets",
			want:    []string{"Cloudflare gave no usable answer", "No usable answer: connection refused.", "Attempts made: 3."},
		},
		{
			name:    "plain error",
			err:     errors.New("boom"),
			summary: "Cannot List R2 Buckets",
			want:    []string{"boom", acct},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := listErrorDiagnostic(tc.err, acct, tc.jurisdiction, tc.contains)
			if summary != tc.summary {
				t.Errorf("summary = %q, want %q", summary, tc.summary)
			}
			for _, want := range tc.want {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
		})
	}
}
