package datasources

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

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
