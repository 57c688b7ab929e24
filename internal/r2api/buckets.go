package r2api

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/r2"

	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// List Buckets paging and its bounds, derived from R2's documented limit of
// 1,000,000 buckets per account, so that a server whose cursor never ends,
// or whose cursors or pages grow without end, cannot make one read run or
// grow without bound:
//   - pages: 1000 full pages of 1000, and one more to learn that the last
//     was the last; a page holding more buckets than asked for is an error;
//   - a cursor is opaque but short (the API's are tens of bytes): at most
//     4 KiB, so the cursors kept to detect a loop stay under 4 MiB;
//   - bytes: the bodies of a whole list at most 256 bytes per bucket (an
//     entry with every field is under 200) times the limit, 256 MB;
//   - time: one deadline for the whole list, retries included, 10 minutes;
//     each page's retries also stay within the read budget (60 s).
const (
	listPageSize      = 1000
	maxAccountBuckets = 1_000_000
	maxListPages      = maxAccountBuckets/listPageSize + 1
	maxCursorBytes    = 4096
	// DefaultMaxListBytes bounds the bodies of one whole list.
	DefaultMaxListBytes = maxAccountBuckets * 256
	// DefaultListTimeout bounds one whole list, every page and retry.
	DefaultListTimeout = 10 * time.Minute
)

// BucketNamePattern is R2's rule for bucket names: 3 to 64 lowercase
// letters, digits and hyphens, starting and ending with a letter or digit.
var BucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)

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
// page is one call with its own retries, within the read budget and the one
// deadline of the whole list; the bounds above stop a list that would not
// end. The result is in name order and never nil.
func (c *Client) ListBuckets(ctx context.Context, accountID, jurisdiction, nameContains string) ([]Bucket, error) {
	var params r2.BucketListParams
	params.AccountID.Value, params.AccountID.Present = accountID, true
	if jurisdiction != "" {
		if err := checkJurisdiction(jurisdiction); err != nil {
			return nil, err
		}
		params.Jurisdiction.Value, params.Jurisdiction.Present = r2.BucketListParamsCfR2Jurisdiction(jurisdiction), true
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
	listDeadline := time.Now().Add(c.listTimeout)
	listBudget := fmt.Sprintf("the bucket list's %s budget", c.listTimeout)
	var read int64
	lastStatus := 0
	for page := 1; ; page++ {
		if page > maxListPages {
			return nil, &Error{StatusCode: lastStatus, Permanent: true, Reason: fmt.Sprintf("the API kept returning a next-page cursor after %d pages (%d buckets), "+
				"more than R2's limit of 1,000,000 buckets per account allows; stopped rather than loop forever",
				maxListPages, len(out))}
		}
		if !time.Now().Before(listDeadline) {
			return nil, onPage(&Error{Reason: listBudget + " is spent"}, page, len(out))
		}
		pctx, ex := c.startCall(ctx)
		if listDeadline.Before(ex.deadline) {
			ex.deadline, ex.budget = listDeadline, listBudget
		}
		// Raw bytes, decoded once, strictly, into our own types (see DecodeBucketList).
		var raw []byte
		_, err := c.buckets.List(pctx, params, option.WithResponseBodyInto(&raw))
		if err != nil {
			e := c.callError(pctx, ex, err)
			if !time.Now().Before(listDeadline) && !strings.Contains(e.Reason, listBudget) {
				e.Reason = strings.TrimPrefix(e.Reason+"; "+listBudget+" is spent", "; ")
			}
			return nil, onPage(e, page, len(out))
		}
		if read += int64(len(raw)); read > c.maxListBytes {
			return nil, onPage(ex.refused(true, fmt.Sprintf("the API's pages came to more than the %d bytes a bucket list may take; "+
				"stopped rather than read without end", c.maxListBytes)), page, len(out))
		}
		buckets, cursor, err := DecodeBucketList(raw)
		if err != nil {
			return nil, onPage(decodeError(err, raw, ex), page, len(out))
		}
		if len(buckets) > listPageSize {
			return nil, onPage(ex.refused(true, fmt.Sprintf("the API sent %d buckets on one page, more than the %d asked for",
				len(buckets), listPageSize)), page, len(out))
		}
		for _, b := range buckets {
			if seenName[b.Name] {
				return nil, onPage(ex.refused(false, fmt.Sprintf("the API listed bucket %q twice; its paging is inconsistent", b.Name)),
					page, len(out))
			}
			seenName[b.Name] = true
		}
		out = append(out, buckets...)
		lastStatus = ex.status
		if cursor == "" {
			break
		}
		if len(cursor) > maxCursorBytes {
			return nil, onPage(ex.refused(true, fmt.Sprintf("the API returned a next-page cursor of %d bytes, more than the %d this provider follows",
				len(cursor), maxCursorBytes)), page, len(out)-len(buckets))
		}
		if seenCursor[cursor] {
			return nil, onPage(ex.refused(false, fmt.Sprintf("the API returned next-page cursor %q again; stopped rather than loop forever", cursor)),
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

// refused is the error for a page the provider will not go on from, with
// the wire facts of the call that fetched it; permanent ones are not worth
// another run either.
func (ex *exchange) refused(permanent bool, reason string) *Error {
	return &Error{StatusCode: ex.status, Attempts: ex.attempts, Permanent: permanent, Reason: reason}
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
		// A name is later put into a request path: one R2 could not have
		// created (a slash, "..", a "?") could point a read, credentials
		// and all, at another endpoint of the API.
		if !BucketNamePattern.MatchString(*name) {
			shown := *name
			if len(shown) > 80 {
				shown = shown[:80] + "…"
			}
			return nil, "", fmt.Errorf("bucket %d of the API's answer has the name %q, which is not an R2 bucket name", i, shown)
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
