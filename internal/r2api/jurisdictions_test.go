package r2api_test

import (
	"context"
	"strings"
	"testing"
)

// A jurisdiction the SDK has no constant for is refused before any request;
// the data sources' validators make this a provider bug, never a user's.
func TestUnknownJurisdictionSendsNothing(t *testing.T) {
	s, c := setup(t)
	if _, err := c.GetBucketCORS(context.Background(), account, "media", "mars"); err == nil || !strings.Contains(err.Error(), `unknown jurisdiction "mars"`) {
		t.Errorf("GetBucketCORS: error = %v, want unknown jurisdiction", err)
	}
	if _, err := c.ListBuckets(context.Background(), account, "mars", ""); err == nil || !strings.Contains(err.Error(), `unknown jurisdiction "mars"`) {
		t.Errorf("ListBuckets: error = %v, want unknown jurisdiction", err)
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
