package r2api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/r2"

	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// List Buckets paging. A page of 1000 is the API's maximum; the page cap
// bounds a server whose cursor never ends (10,000 pages is ten million
// buckets, far above R2's per-account limit).
const (
	listPageSize = 1000
	maxListPages = 10000
)

// Bucket is one bucket as List Buckets describes it. Name is always set; a
// nil field is one the API left out (or sent as null), kept apart from "".
type Bucket struct {
	Name         string
	CreationDate *string
	Location     *string
	Jurisdiction *string
	StorageClass *string
}

// ListBuckets lists every bucket of an account in one jurisdiction ("" sends
// no header, which the API reads as "default"), optionally only those whose
// name contains nameContains, following the API's cursor page by page. Each
// page is one call with its own retry budget. The result is in name order
// and never nil.
func (c *Client) ListBuckets(ctx context.Context, accountID, jurisdiction, nameContains string) ([]Bucket, error) {
	var params r2.BucketListParams
	params.AccountID.Value, params.AccountID.Present = accountID, true
	if jurisdiction != "" {
		j, ok := listJurisdictions[jurisdiction]
		if !ok {
			return nil, unknownJurisdiction(jurisdiction)
		}
		params.Jurisdiction.Value, params.Jurisdiction.Present = j, true
	}
	if nameContains != "" {
		params.NameContains.Value, params.NameContains.Present = nameContains, true
	}
	params.PerPage.Value, params.PerPage.Present = listPageSize, true
	params.Order.Value, params.Order.Present = r2.BucketListParamsOrderName, true
	params.Direction.Value, params.Direction.Present = r2.BucketListParamsDirectionAsc, true

	out := []Bucket{}
	seenCursor := map[string]bool{}
	seenName := map[string]bool{}
	for page := 1; ; page++ {
		if page > maxListPages {
			return nil, &Error{Reason: fmt.Sprintf("the API kept returning a next-page cursor after %d pages (%d buckets); "+
				"stopped rather than loop forever", maxListPages, len(out))}
		}
		pctx, ex := c.startCall(ctx)
		// Raw bytes, decoded once, strictly, into our own types (see DecodeBucketList).
		var raw []byte
		_, err := c.buckets.List(pctx, params, option.WithResponseBodyInto(&raw))
		if err != nil {
			return nil, onPage(c.callError(pctx, ex, err), page, len(out))
		}
		buckets, cursor, err := DecodeBucketList(raw)
		if err != nil {
			return nil, onPage(decodeError(err, raw, ex), page, len(out))
		}
		for _, b := range buckets {
			if seenName[b.Name] {
				return nil, onPage(&Error{StatusCode: ex.status, Attempts: ex.attempts,
					Reason: fmt.Sprintf("the API listed bucket %q twice; its paging is inconsistent", b.Name)}, page, len(out))
			}
			seenName[b.Name] = true
		}
		out = append(out, buckets...)
		if cursor == "" {
			break
		}
		if seenCursor[cursor] {
			return nil, onPage(&Error{StatusCode: ex.status, Attempts: ex.attempts,
				Reason: fmt.Sprintf("the API returned next-page cursor %q again; stopped rather than loop forever", cursor)},
				page, len(out)-len(buckets))
		}
		seenCursor[cursor] = true
		params.Cursor.Value, params.Cursor.Present = cursor, true
	}
	// The API already orders by name; sorting again costs little and makes
	// the order a promise of ours, not of the server.
	slices.SortFunc(out, func(a, b Bucket) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// onPage says which page failed when it was not the first, since a failure
// half-way through a long list reads differently from one at the start.
func onPage(e *Error, page, before int) *Error {
	if page == 1 {
		return e
	}
	where := fmt.Sprintf("while reading page %d of the bucket list (%d buckets read before it)", page, before)
	if e.Reason == "" {
		e.Reason = where
	} else {
		e.Reason += "; " + where
	}
	return e
}

// DecodeBucketList decodes a 2xx body of List Buckets into the page's
// buckets and the cursor of the next page ("" on the last page). Members are
// matched by exact name (encoding/json alone would let "NAME" fill "name").
// Anything that is not the envelope, says success=false, has no result
// object, or lists a bucket without a name or with a field of the wrong type
// is an error.
func DecodeBucketList(body []byte) (buckets []Bucket, cursor string, err error) {
	const schema = "List Buckets"
	env, err := decodeEnvelope(body, schema)
	if err != nil {
		return nil, "", err
	}
	if env.result == nil {
		return nil, "", errors.New(`the API's answer has no "result" object`)
	}
	var wire []jsonexact.Object
	if err := env.result.Field("buckets", &wire); err != nil {
		return nil, "", schemaError(schema, fmt.Errorf("result: %w", err))
	}
	buckets = make([]Bucket, 0, len(wire))
	for i, w := range wire {
		var name *string
		b := Bucket{}
		err := errors.Join(
			w.Field("name", &name),
			w.Field("creation_date", &b.CreationDate),
			w.Field("location", &b.Location),
			w.Field("jurisdiction", &b.Jurisdiction),
			w.Field("storage_class", &b.StorageClass),
		)
		if err != nil {
			return nil, "", schemaError(schema, fmt.Errorf("bucket %d: %w", i, err))
		}
		if name == nil || *name == "" {
			return nil, "", fmt.Errorf("bucket %d of the API's answer has no name", i)
		}
		b.Name = *name
		buckets = append(buckets, b)
	}
	// Two statements, not one errors.Join: the cursor must be read after
	// result_info is, and Go leaves the order of a call's arguments open.
	info, err := env.resultInfo()
	if err != nil {
		return nil, "", err
	}
	var next *string
	if err := info.Field("cursor", &next); err != nil {
		return nil, "", schemaError(schema, err)
	}
	if next != nil {
		cursor = *next
	}
	return buckets, cursor, nil
}
