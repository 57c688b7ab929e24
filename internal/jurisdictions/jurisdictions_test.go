package jurisdictions

import "testing"

func TestJurisdictions(t *testing.T) {
	for _, j := range All {
		if !Valid(j) {
			t.Errorf("Valid(%q) = false", j)
		}
	}
	for _, j := range []string{"", "EU", "mars", " eu"} {
		if Valid(j) {
			t.Errorf("Valid(%q) = true", j)
		}
	}
	if got, want := List(), "default, eu, fedramp, us"; got != want {
		t.Errorf("List() = %q, want %q", got, want)
	}
	if got, want := Quote(Others(), "or"), "`eu`, `fedramp` or `us`"; got != want {
		t.Errorf("Quote(Others(), or) = %q, want %q", got, want)
	}
	if got, want := Quote([]string{"eu"}, "or"), "`eu`"; got != want {
		t.Errorf("Quote of one = %q, want %q", got, want)
	}
	for header, name := range map[string]string{"": Default, "eu": "eu", "us": "us"} {
		if got := OrDefault(header); got != name {
			t.Errorf("OrDefault(%q) = %q, want %q", header, got, name)
		}
		if got := Header(name); got != header {
			t.Errorf("Header(%q) = %q, want %q", name, got, header)
		}
	}
}
