package r2api

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	item := func(name string, r, tSecs, q, w int) limitItem {
		return limitItem{name: name, remaining: r, reset: time.Duration(tSecs) * time.Second,
			quota: q, window: time.Duration(w) * time.Second}
	}
	for _, tc := range []struct {
		name          string
		limit, policy []string
		want          []limitItem
	}{
		{"one item", []string{`"default";r=50;t=30`}, []string{`"default";q=1200;w=300`},
			[]limitItem{item("default", 50, 30, 1200, 300)}},
		{"several, paired by name not position",
			[]string{`"burst";r=90;t=20, "default";r=1100;t=250`},
			[]string{`"default";q=1200;w=300, "burst";q=100;w=60`},
			[]limitItem{item("burst", 90, 20, 100, 60), item("default", 1100, 250, 1200, 300)}},
		{"items on several header lines", []string{`"a";r=1;t=1`, `"b";r=2;t=2`}, []string{`"b";q=5;w=5`, `"a";q=5;w=5`},
			[]limitItem{item("a", 1, 1, 5, 5), item("b", 2, 2, 5, 5)}},
		{"a token name and spaces", []string{`default; r=5; t=1`}, []string{`default;w=10;q=9`},
			[]limitItem{item("default", 5, 1, 9, 10)}},
		{"an escaped name", []string{`"a\"b";r=1;t=1`}, []string{`"a\"b";q=2;w=2`}, []limitItem{item(`a"b`, 1, 1, 2, 2)}},
		{"leading zeros", []string{`"d";r=007;t=0`}, []string{`"d";q=0100;w=0300`}, []limitItem{item("d", 7, 0, 100, 300)}},
		{"unpaired items are ignored", []string{`"a";r=1;t=1, "b";r=1;t=1`}, []string{`"b";q=2;w=2, "c";q=2;w=2`},
			[]limitItem{item("b", 1, 1, 2, 2)}},
		{"the first of a name twice wins", []string{`"a";r=1;t=1, "a";r=0;t=1`}, []string{`"a";q=2;w=2`},
			[]limitItem{item("a", 1, 1, 2, 2)}},
		{"a malformed item is dropped, the others kept", []string{`"a";r=x;t=1, garbage(, "b";r=1;t=1`},
			[]string{`"a";q=2;w=2, "b";q=2;w=2`}, []limitItem{item("b", 1, 1, 2, 2)}},
		{"no policy", []string{`"a";r=1;t=1`}, nil, nil},
		{"no Ratelimit", nil, []string{`"a";q=2;w=2`}, nil},
		{"negative", []string{`"a";r=-1;t=1`}, []string{`"a";q=2;w=2`}, nil},
		{"decimal", []string{`"a";r=1.5;t=1`}, []string{`"a";q=2;w=2`}, nil},
		{"exponent", []string{`"a";r=1;t=1e3`}, []string{`"a";q=2;w=2`}, nil},
		{"a huge reset", []string{`"a";r=1;t=99999999999999999999999`}, []string{`"a";q=2;w=300`}, nil},
		{"a huge quota", []string{`"a";r=1;t=1`}, []string{`"a";q=99999999999999999999999;w=300`}, nil},
		{"a reset past the window", []string{`"a";r=1;t=301`}, []string{`"a";q=2;w=300`}, nil},
		{"a window over an hour", []string{`"a";r=1;t=1`}, []string{`"a";q=2;w=3601`}, nil},
		{"more left than the quota", []string{`"a";r=3;t=1`}, []string{`"a";q=2;w=2`}, nil},
		{"a zero quota", []string{`"a";r=0;t=1`}, []string{`"a";q=0;w=2`}, nil},
		{"a missing parameter", []string{`"a";r=1`}, []string{`"a";q=2;w=2`}, nil},
		{"a parameter without value", []string{`"a";r;t=1`}, []string{`"a";q=2;w=2`}, nil},
		{"an unterminated name", []string{`"a;r=1;t=1`}, []string{`"a;q=2;w=2`}, nil},
		{"a control character", []string{"\"a\x01\";r=1;t=1"}, []string{"\"a\x01\";q=2;w=2"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.limit {
				h.Add("Ratelimit", v)
			}
			for _, v := range tc.policy {
				h.Add("Ratelimit-Policy", v)
			}
			if got := parseRateLimit(h); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseRateLimit(%q, %q) = %+v, want %+v", tc.limit, tc.policy, got, tc.want)
			}
		})
	}
}

// However many items an answer lists, a bounded number is read.
func TestParseRateLimit_boundedItems(t *testing.T) {
	h := http.Header{}
	for i := range 100 {
		h.Add("Ratelimit", `"x`+string(rune('a'+i%26))+string(rune('a'+i/26))+`";r=1;t=1`)
		h.Add("Ratelimit-Policy", `"x`+string(rune('a'+i%26))+string(rune('a'+i/26))+`";q=2;w=2`)
	}
	if got := len(parseRateLimit(h)); got > maxLimitItems {
		t.Errorf("%d items read, want at most %d", got, maxLimitItems)
	}
}

func FuzzParseRateLimit(f *testing.F) {
	f.Add(`"default";r=50;t=30, "burst";r=1;t=1`, `"default";q=1200;w=300`)
	f.Add(`"a\"b";r=99999999999999999999`, `a;q=-1;w=1.5`)
	f.Fuzz(func(t *testing.T, limit, policy string) {
		h := http.Header{"Ratelimit": {limit}, "Ratelimit-Policy": {policy}}
		for _, it := range parseRateLimit(h) {
			if it.quota < 1 || it.remaining < 0 || it.remaining > it.quota || it.window <= 0 ||
				it.window > maxLimitWindow || it.reset < 0 || it.reset > it.window {
				t.Fatalf("out of bounds: %+v", it)
			}
		}
	})
}

// A name longer than a label, or an item with more parameters than a limit
// has, is dropped: the gate keeps names for the client's life and logs them.
func TestParseRateLimit_boundedItemSize(t *testing.T) {
	long := strings.Repeat("n", maxLimitName+1)
	h := http.Header{}
	h.Add("Ratelimit", long+";r=1;t=1, ok;r=1;t=1, many;r=1;t=1;a=1;b=1;c=1;d=1;e=1;f=1;g=1")
	h.Add("Ratelimit-Policy", long+";q=2;w=2, ok;q=2;w=2, many;q=2;w=2")
	items := parseRateLimit(h)
	if len(items) != 1 || items[0].name != "ok" {
		t.Errorf("items = %+v, want only \"ok\"", items)
	}
}
