package r2api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Cloudflare's rate-limit headers (changelog 2025-09-03; ../shared/api):
//
//	Ratelimit:        "default";r=50;t=30     remaining quota, seconds until the window resets
//	Ratelimit-Policy: "default";q=1200;w=300  quota, window in seconds
//
// Each may hold several items; a limit is an item of both, paired by name.
// The values are untrusted, as Retry-After is: a number is digits only and
// is compared with its bound while still text, so no value can overflow or
// ask for an absurd wait; a malformed item is dropped, never guessed at.
const (
	// maxLimitWindow bounds the window a policy may announce: Cloudflare's
	// longest is five minutes; an hour leaves room without trusting a year.
	maxLimitWindow = time.Hour
	// maxLimitQuota bounds a quota (and so a remaining count).
	maxLimitQuota = 1_000_000_000
	// maxLimitItems bounds the items read from one header.
	maxLimitItems = 16
	// maxLimitName and maxLimitParams bound one item: a name is a short
	// label ("default", "user"), an item has four parameters at most that
	// matter; a longer one is dropped, so that a hostile header can neither
	// be kept in memory (names live as long as the client) nor fill a log.
	maxLimitName   = 64
	maxLimitParams = 8
)

// limitItem is one limit an answer announced: Ratelimit paired with
// Ratelimit-Policy by name.
type limitItem struct {
	name      string
	remaining int           // r
	reset     time.Duration // t, at most window
	quota     int           // q
	window    time.Duration // w
}

// parseRateLimit reads the limits an answer announces; nil when it has
// none, or none that is well formed and paired.
func parseRateLimit(h http.Header) []limitItem {
	if h == nil {
		return nil
	}
	left := parseSFList(h.Values("Ratelimit"))
	if len(left) == 0 {
		return nil
	}
	policies := map[string]sfItem{}
	for _, p := range parseSFList(h.Values("Ratelimit-Policy")) {
		if _, dup := policies[p.name]; !dup {
			policies[p.name] = p
		}
	}
	var out []limitItem
	seen := map[string]bool{}
	for _, l := range left {
		p, ok := policies[l.name]
		if !ok || seen[l.name] {
			continue
		}
		q, okQ := boundedInt(p.params["q"], maxLimitQuota)
		w, okW := boundedInt(p.params["w"], int(maxLimitWindow/time.Second))
		r, okR := boundedInt(l.params["r"], q)
		t, okT := boundedInt(l.params["t"], w)
		if !okQ || !okW || !okR || !okT || q == 0 || w == 0 {
			continue
		}
		seen[l.name] = true
		out = append(out, limitItem{name: l.name, remaining: r, reset: time.Duration(t) * time.Second,
			quota: q, window: time.Duration(w) * time.Second})
	}
	return out
}

// boundedInt reads digits that stand for a number from 0 to limit; the
// number is compared with limit as text first, so it cannot overflow.
func boundedInt(s string, limit int) (int, bool) {
	if !isDigits(s) {
		return 0, false
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return 0, true
	}
	lim := strconv.Itoa(limit)
	if len(s) > len(lim) || (len(s) == len(lim) && s > lim) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// sfItem is one member of a structured-field list (RFC 8941): a name (a
// string or a token) and its parameters, whose values are kept as text.
type sfItem struct {
	name   string
	params map[string]string
}

// parseSFList parses the list members of the header lines, dropping any
// member that is malformed; at most maxLimitItems are kept.
func parseSFList(lines []string) []sfItem {
	var out []sfItem
	for _, line := range lines {
		for rest := line; rest != "" && len(out) < maxLimitItems; {
			var it sfItem
			var ok bool
			it, rest, ok = parseSFMember(rest)
			if ok {
				out = append(out, it)
			}
		}
	}
	return out
}

// parseSFMember parses one member from s and returns what follows the
// comma after it; ok is false for a malformed member, which is skipped to
// the next comma outside a string.
func parseSFMember(s string) (sfItem, string, bool) {
	s = strings.TrimLeft(s, " \t")
	it := sfItem{params: map[string]string{}}
	var ok bool
	if strings.HasPrefix(s, `"`) {
		it.name, s, ok = parseSFString(s)
	} else {
		it.name, s = cutWhile(s, isTokenChar)
		ok = it.name != ""
	}
	for ok && strings.HasPrefix(s, ";") {
		if len(it.params) == maxLimitParams {
			ok = false
			break
		}
		var key, val string
		key, s = cutWhile(strings.TrimLeft(s[1:], " "), isKeyChar)
		if key == "" {
			ok = false
			break
		}
		if strings.HasPrefix(s, "=") {
			val, s = cutWhile(s[1:], isTokenChar)
			if val == "" {
				ok = false
				break
			}
		}
		if _, dup := it.params[key]; !dup {
			it.params[key] = val
		}
	}
	s = strings.TrimLeft(s, " \t")
	if ok && s != "" && s[0] != ',' {
		ok = false
	}
	if len(it.name) > maxLimitName {
		ok = false
	}
	// A name is a slice of the header: a copy lets the header go.
	it.name = strings.Clone(it.name)
	return it, skipMember(s), ok
}

// parseSFString reads a quoted string (\" and \\ escapes) from the start
// of s.
func parseSFString(s string) (string, string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			return b.String(), s[i+1:], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", s[i:], false
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// skipMember returns what follows the next comma outside a string.
func skipMember(s string) string {
	in := false
	for i := 0; i < len(s); i++ {
		switch {
		case in && s[i] == '\\':
			i++
		case s[i] == '"':
			in = !in
		case !in && s[i] == ',':
			return s[i+1:]
		}
	}
	return ""
}

func cutWhile(s string, ok func(byte) bool) (string, string) {
	i := 0
	for i < len(s) && ok(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*'
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~:/", c) >= 0
}
