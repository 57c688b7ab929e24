package jsonexact

import (
	"strings"
	"testing"
)

func TestCheckDocument(t *testing.T) {
	cases := []struct {
		name, body, err string
	}{
		{name: "plain", body: `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`},
		{name: "same name in sibling objects", body: `[{"x":1},{"x":2}]`},
		{name: "escaped pair is fine", body: `{"s":"\ud83d\ude00 \u00e9 \\ud800"}`},
		{name: "a literal U+FFFD is fine", body: "{\"s\":\"\uFFFD\"}"},
		{name: "duplicate at the top", body: `{"success":false,"errors":[],"success":true}`, err: `member "success" appears twice`},
		{name: "duplicate nested", body: `{"result":{"rules":[],"rules":[{}]}}`, err: `member "rules" appears twice`},
		{name: "duplicate in an array element", body: `{"a":[{"k":1,"k":2}]}`, err: `member "k" appears twice`},
		{name: "duplicate spelled with an escape", body: `{"cursor":"a","\u0063ursor":"b"}`, err: `member "cursor" appears twice`},
		{name: "invalid UTF-8 in a string", body: "{\"s\":\"a\xffb\"}", err: "not valid UTF-8"},
		{name: "invalid UTF-8 in a name", body: "{\"\xc3\":1}", err: "not valid UTF-8"},
		{name: "lone high surrogate", body: `{"s":"\ud800x"}`, err: "lone surrogate"},
		{name: "lone low surrogate", body: `{"s":"\udc00"}`, err: "lone surrogate"},
		{name: "high surrogate at the end", body: `{"s":"\ud800"}`, err: "lone surrogate"},
		{name: "not JSON", body: `{"a":`, err: "unexpected EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDocument([]byte(tc.body))
			if tc.err == "" {
				if err != nil {
					t.Fatalf("CheckDocument(%s) = %v", tc.body, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("CheckDocument(%s) = %v, want it to contain %q", tc.body, err, tc.err)
			}
		})
	}
}

func TestFieldStringListRejectsNull(t *testing.T) {
	o, err := Decode([]byte(`{"ok":["a",""],"empty":[],"null":null,"bad":["a",null]}`))
	if err != nil {
		t.Fatal(err)
	}
	var ok, empty, null []string
	if err := o.Field("ok", &ok); err != nil || len(ok) != 2 || ok[1] != "" {
		t.Fatalf("ok = %q, %v", ok, err)
	}
	if err := o.Field("empty", &empty); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty = %#v, %v; want an empty, non-nil list", empty, err)
	}
	if err := o.Field("null", &null); err != nil || null != nil {
		t.Fatalf("null = %#v, %v; want nil", null, err)
	}
	var bad []string
	if err := o.Field("bad", &bad); err == nil || !strings.Contains(err.Error(), `"bad": element 1 is null`) {
		t.Fatalf("bad = %q, %v; want an error naming the null element", bad, err)
	}
}
