package cors

import "fmt"

// The largest policy a bucket can hold. R2 documents no limit of its own;
// S3 documents at most 100 rules and 64 KB for a CORS configuration (its
// XML), and R2 follows S3 where it is silent. The review functions refuse a
// policy past these bounds instead of spending minutes on it, and every
// function is bounded on the largest policy within them (make bench).
const (
	MaxRules       = 100
	MaxPolicyBytes = 64 << 10
)

// The XML elements of a policy and the bytes of their tags: every value in
// S3's CORSConfiguration sits between an opening and a closing tag.
const (
	xmlDocumentTags = len("<CORSConfiguration></CORSConfiguration>")
	xmlRuleTags     = len("<CORSRule></CORSRule>")
	xmlIDTags       = len("<ID></ID>")
	xmlMethodTags   = len("<AllowedMethod></AllowedMethod>")
	xmlOriginTags   = len("<AllowedOrigin></AllowedOrigin>")
	xmlHeaderTags   = len("<AllowedHeader></AllowedHeader>")
	xmlExposeTags   = len("<ExposeHeader></ExposeHeader>")
	xmlMaxAgeTags   = len("<MaxAgeSeconds></MaxAgeSeconds>")
)

// PolicySize is a lower bound on the bytes rules take as S3's XML: each
// value with its element's tags. Escaping and layout only add to it, so a
// policy that R2 could store never measures more than MaxPolicyBytes.
func PolicySize(rules []Rule) int {
	n := xmlDocumentTags
	values := func(list []string, tags int) {
		for _, s := range list {
			n += tags + len(s)
		}
	}
	for _, r := range rules {
		n += xmlRuleTags
		if r.ID != nil {
			n += xmlIDTags + len(*r.ID)
		}
		if r.Allowed != nil {
			values(r.Allowed.Methods, xmlMethodTags)
			values(r.Allowed.Origins, xmlOriginTags)
			values(r.Allowed.Headers, xmlHeaderTags)
		}
		values(r.ExposeHeaders, xmlExposeTags)
		if r.MaxAgeSeconds != nil {
			n += xmlMaxAgeTags + len(*r.MaxAgeSeconds)
		}
	}
	return n
}

// CheckPolicySize refuses a policy that no bucket can hold (see MaxRules
// and MaxPolicyBytes).
func CheckPolicySize(rules []Rule) error {
	if len(rules) > MaxRules {
		return fmt.Errorf("the policy has %d rules, and a bucket holds at most %d (R2 follows S3's limit), so no bucket can have it; "+
			"this provider does not review it", len(rules), MaxRules)
	}
	if n := PolicySize(rules); n > MaxPolicyBytes {
		return fmt.Errorf("the policy takes at least %d bytes as S3's XML, and a bucket holds at most %d (64 KB, R2 follows S3's limit), "+
			"so no bucket can have it; this provider does not review it", n, MaxPolicyBytes)
	}
	return nil
}
