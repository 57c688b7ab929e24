package corsstate

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// RulesType is the Terraform type of a rules attribute as the data sources
// write it: a list of RuleObjectType.
var RulesType = tftypes.List{ElementType: RuleObjectType.TerraformType(context.Background())}

// SweptBucket is a bucket of a sweep's buckets attribute, as far as a review
// reads it.
type SweptBucket struct {
	Jurisdiction, Name string // Jurisdiction "" for null
	Rules              []cors.Rule
}

// BucketsFromMsgPack reads a function argument (a dynamic value, in
// Terraform's wire encoding) that is a sweep's buckets attribute: a list of
// objects whose name and jurisdiction are strings and whose rules are
// RulesType, their other attributes (location, has_policy, ...) skipped.
// It declines (ok false) anything else: another type, a null or unknown
// where the functions' readers would refuse or wait (an unknown anywhere,
// a null bucket or name), or rules rulesFromMsgPack declines; the caller then
// reads the argument through the framework and RulesFromValue, which decide.
func BucketsFromMsgPack(raw []byte) (buckets []SweptBucket, ok bool) {
	r := bytes.NewReader(raw)
	dec := msgpack.NewDecoder(r)
	if n, err := dec.DecodeArrayLen(); err != nil || n != 2 {
		return nil, false // a dynamic value is [type, value]
	}
	typeJSON, err := dec.DecodeBytes()
	if err != nil {
		return nil, false
	}
	typ, err := tftypes.ParseJSONType(typeJSON) //nolint:staticcheck // the wire's own encoding of a dynamic value's type
	if err != nil {
		return nil, false
	}
	list, ok := typ.(tftypes.List)
	if !ok {
		return nil, false
	}
	bucket, ok := list.ElementType.(tftypes.Object)
	if !ok || len(bucket.OptionalAttributes) > 0 {
		return nil, false
	}
	attrs := bucket.AttributeTypes
	is := func(name string, want tftypes.Type) bool {
		t, ok := attrs[name]
		return ok && t != nil && t.Equal(want)
	}
	if !is("name", tftypes.String) || !is("jurisdiction", tftypes.String) || !is("rules", RulesType) {
		return nil, false
	}
	n, ok := arrayLen(dec)
	if !ok || n < 0 {
		return nil, false
	}
	buckets = make([]SweptBucket, 0, min(n, r.Len()))
	for range n {
		b, ok := bucketFromMsgPack(dec, r, raw, attrs)
		if !ok {
			return nil, false
		}
		buckets = append(buckets, b)
	}
	return buckets, r.Len() == 0
}

func bucketFromMsgPack(dec *msgpack.Decoder, r *bytes.Reader, raw []byte, attrs map[string]tftypes.Type) (b SweptBucket, ok bool) {
	n, ok := mapLen(dec)
	if !ok || n != len(attrs) {
		return b, false
	}
	ok = eachAttribute(dec, n, func(key string) bool {
		switch key {
		case "name":
			s, ok := optionalString(dec)
			if s == nil {
				return false
			}
			b.Name = *s
			return ok
		case "jurisdiction":
			s, ok := optionalString(dec)
			if s != nil {
				b.Jurisdiction = *s
			}
			return ok
		case "rules":
			b.Rules, ok = rulesFromMsgPack(dec)
			return ok
		}
		typ, known := attrs[key]
		return known && skipAttribute(dec, r, raw, typ)
	})
	return b, ok
}

// eachAttribute reads the n attributes of an object (its length read) with
// read, which is given each attribute's name and reads its value; a name
// that is not a string or comes twice, or read's false, is not ok.
func eachAttribute(dec *msgpack.Decoder, n int, read func(name string) bool) bool {
	seen := make(map[string]bool, n)
	for range n {
		name, err := dec.DecodeString()
		if err != nil || seen[name] || !read(name) {
			return false
		}
		seen[name] = true
	}
	return true
}

// skipAttribute skips an attribute the review ignores, checked as tftypes
// checks it: a value of another type or holding an unknown value declines.
func skipAttribute(dec *msgpack.Decoder, r *bytes.Reader, raw []byte, typ tftypes.Type) bool {
	start := len(raw) - r.Len()
	if dec.Skip() != nil {
		return false
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: raw[start : len(raw)-r.Len()]}).Unmarshal(typ)
	return err == nil && v.IsFullyKnown()
}

// rulesFromMsgPack reads rules of RulesType from Terraform's wire encoding
// (msgpack), the decoder at their first byte, without building Terraform
// values first: for a sweep of 1000 buckets that is most of the cost of
// reading them. It reads only what the data sources write and RulesFromValue
// reads without an error, to the same rules; for anything else (an unknown
// value, a null where RulesFromValue refuses one, a number written as a
// float or as text, a bound cors.ValidateMaxAge refuses) ok is false, the
// decoder's position is undefined, and the caller reads the value with
// RulesFromValue, which then decides, with its error.
func rulesFromMsgPack(dec *msgpack.Decoder) (rules []cors.Rule, ok bool) {
	n, ok := arrayLen(dec)
	if !ok || n < 0 {
		return nil, ok // null rules read as none, as RulesFromValue reads them
	}
	rules = make([]cors.Rule, 0, min(n, 64))
	for range n {
		r, ok := ruleFromMsgPack(dec)
		if !ok {
			return nil, false
		}
		rules = append(rules, r)
	}
	return rules, true
}

func ruleFromMsgPack(dec *msgpack.Decoder) (r cors.Rule, ok bool) {
	n, ok := mapLen(dec)
	if !ok || n != len(RuleAttrTypes) {
		return r, false // a null rule, or an object of another type
	}
	ok = eachAttribute(dec, n, func(key string) (ok bool) {
		switch key {
		case "id":
			r.ID, ok = optionalString(dec)
		case "allowed":
			r.Allowed, ok = allowedFromMsgPack(dec)
		case "expose_headers":
			r.ExposeHeaders, ok = stringsFromMsgPack(dec)
		case "max_age_seconds":
			r.MaxAgeSeconds, ok = maxAgeFromMsgPack(dec)
		}
		return ok
	})
	return r, ok
}

func allowedFromMsgPack(dec *msgpack.Decoder) (*cors.Allowed, bool) {
	n, ok := mapLen(dec)
	if !ok || n < 0 {
		return nil, ok // null allowed reads as nil
	}
	if n != len(AllowedAttrTypes) {
		return nil, false
	}
	var a cors.Allowed
	ok = eachAttribute(dec, n, func(key string) (ok bool) {
		switch key {
		case "methods":
			a.Methods, ok = stringsFromMsgPack(dec)
		case "origins":
			a.Origins, ok = stringsFromMsgPack(dec)
		case "headers":
			a.Headers, ok = stringsFromMsgPack(dec)
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	return &a, true
}

// stringsFromMsgPack reads a list of strings: null is nil, an empty list an
// empty slice, a null element not ok.
func stringsFromMsgPack(dec *msgpack.Decoder) ([]string, bool) {
	n, ok := arrayLen(dec)
	if !ok || n < 0 {
		return nil, ok
	}
	out := make([]string, 0, min(n, 64))
	for range n {
		s, ok := optionalString(dec)
		if !ok || s == nil {
			return nil, false
		}
		out = append(out, *s)
	}
	return out, true
}

func optionalString(dec *msgpack.Decoder) (*string, bool) {
	code, err := dec.PeekCode()
	switch {
	case err != nil || msgpcode.IsExt(code):
		return nil, false
	case code == msgpcode.Nil:
		return nil, dec.DecodeNil() == nil
	}
	s, err := dec.DecodeString()
	return &s, err == nil
}

// maxAgeFromMsgPack reads an integer as tftypes reads it, then formats and
// checks it as numberFrom does.
func maxAgeFromMsgPack(dec *msgpack.Decoder) (*json.Number, bool) {
	code, err := dec.PeekCode()
	if err != nil {
		return nil, false
	}
	var f *big.Float
	switch {
	case code == msgpcode.Nil:
		return nil, dec.DecodeNil() == nil
	case msgpcode.IsFixedNum(code), code == msgpcode.Int8, code == msgpcode.Int16, code == msgpcode.Int32, code == msgpcode.Int64:
		i, err := dec.DecodeInt64()
		if err != nil {
			return nil, false
		}
		f = new(big.Float).SetInt64(i)
	case code == msgpcode.Uint8, code == msgpcode.Uint16, code == msgpcode.Uint32, code == msgpcode.Uint64:
		u, err := dec.DecodeUint64()
		if err != nil {
			return nil, false
		}
		f = new(big.Float).SetUint64(u)
	default:
		return nil, false
	}
	s, err := formatNumber(f)
	if err != nil || cors.ValidateMaxAge(s) != nil {
		return nil, false
	}
	return &s, true
}

// arrayLen reads a list's length, -1 for null; an unknown value is not ok.
func arrayLen(dec *msgpack.Decoder) (int, bool) {
	if code, err := dec.PeekCode(); err != nil || msgpcode.IsExt(code) {
		return 0, false
	}
	n, err := dec.DecodeArrayLen()
	return n, err == nil
}

// mapLen reads an object's number of attributes, -1 for null; an unknown
// value is not ok.
func mapLen(dec *msgpack.Decoder) (int, bool) {
	if code, err := dec.PeekCode(); err != nil || msgpcode.IsExt(code) {
		return 0, false
	}
	n, err := dec.DecodeMapLen()
	return n, err == nil
}
