package review

import (
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

func TestParseBaseline(t *testing.T) {
	rules, err := ParseBaseline(`[
  { "allowed": { "methods": ["GET"], "origins": ["https://eu.example.com"] } },
  { "id": "up", "allowed": { "methods": ["PUT"], "origins": ["https://app.example.com"], "headers": null }, "expose_headers": [], "max_age_seconds": 1.5 },
  { "allowed": null, "id": null }
]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []cors.Rule{
		{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://eu.example.com"}}},
		{ID: sp("up"), Allowed: &cors.Allowed{Methods: []string{"PUT"}, Origins: []string{"https://app.example.com"}}, ExposeHeaders: []string{}, MaxAgeSeconds: jn("1.5")},
		{},
	}
	if len(rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(rules), len(want))
	}
	for i := range want {
		if !cors.SameRule(rules[i], want[i]) || (rules[i].ID == nil) != (want[i].ID == nil) || (rules[i].Allowed == nil) != (want[i].Allowed == nil) {
			t.Errorf("rule %d = %+v, want %+v", i, rules[i], want[i])
		}
	}
	if rules[1].ExposeHeaders == nil || string(*rules[1].MaxAgeSeconds) != "1.5" {
		t.Error("an empty list must stay empty and a number as written")
	}
	if rules, err := ParseBaseline("[]"); err != nil || rules == nil || len(rules) != 0 {
		t.Errorf("[] = %v, %v; want no rules", rules, err)
	}
}

// Every mistake names its line and path, and what to write instead.
func TestParseBaselineErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"camelCase", "[\n  {\n    \"allowed\": { \"methods\": [\"GET\"], \"origins\": [\"*\"] },\n    \"maxAgeSeconds\": 600\n  }\n]",
			`line 4: [0] has the member "maxAgeSeconds": write "max_age_seconds" (the API's camelCase names are snake_case here)`},
		{"syntax", "[\n  { \"allowed\": null, }\n]", `line 2: invalid character '}' looking for beginning of object key string`},
		{"unknown member", "[{\"allowed\": {\"methods\": [], \"origins\": [], \"header\": []}}]",
			`line 1: [0].allowed has the unexpected member "header": a rule's allowed object has only "headers", "methods", "origins"`},
		{"missing allowed", "[\n{}\n]", `line 2: [0].allowed is required`},
		{"missing origins", "[{\"allowed\": {\"methods\": []}}]", `line 1: [0].allowed.origins is required`},
		{"null rule", "[null]", `line 1: [0] is null: a rule must be an object`},
		{"not a list", "{\"rules\": []}", `line 1: the baseline is an object: want a list of rules, [] for none`},
		{"wrong type", "[{\"allowed\": {\"methods\": \"GET\", \"origins\": []}}]", `line 1: [0].allowed.methods is a string: want a list of strings`},
		{"null method", "[{\"allowed\": {\"methods\": [null], \"origins\": []}}]", `line 1: [0].allowed.methods[0] is null: a list of strings cannot hold null`},
		{"number id", "[{\"id\": 1, \"allowed\": null}]", `line 1: [0].id is a number: want a string`},
		{"max age", "[{\"allowed\": null, \"max_age_seconds\": -1}]", `line 1: [0].max_age_seconds: maxAgeSeconds -1 is outside the range`},
		{"max age string", "[{\"allowed\": null, \"max_age_seconds\": \"600\"}]", `line 1: [0].max_age_seconds is a string: want a number`},
		{"twice", "[{\"allowed\": null,\n \"allowed\": null}]", `line 2: the member "allowed" appears twice in one object`},
		{"empty", "", `line 1: the JSON ends too early`},
		{"open", "[\n{\"allowed\": null}", `line 2: the JSON ends too early`},
		{"trailing", "[]\n[]", `line 2: unexpected text after the list of rules`},
		{"deep", strings.Repeat("[", 20) + strings.Repeat("]", 20), `nested too deeply`},
		{"huge", "[" + strings.Repeat(" ", MaxBaselineBytes) + "]", `more than the 1048576`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBaseline(c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant one containing %q", err, c.want)
			}
		})
	}
}

// FuzzParseBaseline: any text is rules or an error naming a line, never a
// panic; rules written back by FormatBaseline read back the same.
func FuzzParseBaseline(f *testing.F) {
	for _, s := range []string{"[]", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`, `[{"id":"a","allowed":null,"expose_headers":[],"max_age_seconds":1e3}]`, "[{", `[{"maxAgeSeconds":1}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rules, err := ParseBaseline(text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") && !strings.HasPrefix(err.Error(), "the baseline has") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		out, err := FormatBaseline(rules)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseBaseline(out)
		if err != nil {
			t.Fatalf("FormatBaseline wrote what ParseBaseline refuses: %v\n%s", err, out)
		}
		if len(again) != len(rules) {
			t.Fatalf("%d rules read back as %d", len(rules), len(again))
		}
		for i := range rules {
			if !cors.SameRule(rules[i], again[i]) {
				t.Fatalf("rule %d changed: %+v to %+v", i, rules[i], again[i])
			}
		}
	})
}
