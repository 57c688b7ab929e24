package r2api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

func verifyPaths(s *fakeapi.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Path)
	}
	return out
}

const (
	userVerify    = "/client/v4/user/tokens/verify"
	accountVerify = "/client/v4/accounts/" + account + "/tokens/verify"
)

func TestVerifyToken_userToken(t *testing.T) {
	s, c := setup(t)
	got, err := c.VerifyToken(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if got != (r2api.VerifiedToken{ID: fakeapi.TokenID(token), Status: "active"}) {
		t.Fatalf("got %+v", got)
	}
	if p := verifyPaths(s); len(p) != 1 || p[0] != userVerify {
		t.Fatalf("requests %q", p)
	}
	if ua := s.Requests()[0].Header.Get("User-Agent"); ua != "terraform-provider-r2/unit" {
		t.Fatalf("User-Agent %q", ua)
	}
}

func TestVerifyToken_accountOwnedTokenFallsBack(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.APIToken = "owned" })
	s.AddTokenWith("owned", fakeapi.TokenOptions{OwnedBy: account})
	got, err := c.VerifyToken(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if got != (r2api.VerifiedToken{ID: fakeapi.TokenID("owned"), Status: "active", AccountOwned: true}) {
		t.Fatalf("got %+v", got)
	}
	if p := verifyPaths(s); len(p) != 2 || p[0] != userVerify || p[1] != accountVerify {
		t.Fatalf("requests %q, want the user's endpoint then the account's", p)
	}
}

func TestVerifyToken_bothRefuse(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.APIToken = "unknown" })
	_, err := c.VerifyToken(context.Background(), account)
	e := mustAPIError(t, err)
	if e.StatusCode != 401 || !e.HasCode(r2api.CodeInvalidAPIToken) || !strings.Contains(e.Error(), "before it the user's answered: HTTP 401") {
		t.Fatalf("error %v", e)
	}
	if len(verifyPaths(s)) != 2 {
		t.Fatal("not both endpoints asked")
	}
}

// A failure that is not a refusal of the token is not a reason to ask the
// account's endpoint: the error is the user's endpoint's.
func TestVerifyToken_noFallbackOnFailure(t *testing.T) {
	s, c := setup(t)
	s.InjectFault(fakeapi.Fault{PathContains: "/user/tokens/verify", Status: 502})
	_, err := c.VerifyToken(context.Background(), account)
	if e := mustAPIError(t, err); e.StatusCode != 502 {
		t.Fatalf("error %v", e)
	}
	for _, p := range verifyPaths(s) {
		if p != userVerify {
			t.Fatalf("asked %s", p)
		}
	}
}

func TestVerifyToken_inactiveToken(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.APIToken = "expired" })
	s.AddTokenWith("expired", fakeapi.TokenOptions{Status: "expired"})
	_, err := c.VerifyToken(context.Background(), account)
	if e := mustAPIError(t, err); !e.Permanent || !strings.Contains(e.Reason, `the API token is "expired", not active`) {
		t.Fatalf("error %v", e)
	}
}

func TestVerifyToken_globalKeySendsNothing(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.APIToken, cfg.APIKey, cfg.Email = "", "key", "a@example.com" })
	_, err := c.VerifyToken(context.Background(), account)
	if e := mustAPIError(t, err); !strings.Contains(e.Reason, "global API key") {
		t.Fatalf("error %v", e)
	}
	if s.RequestCount() != 0 {
		t.Fatal("a request was sent")
	}
}

func TestDecodeVerifyToken(t *testing.T) {
	env := func(result string) []byte {
		return []byte(`{"success":true,"errors":[],"messages":[],"result":` + result + `}`)
	}
	ok := `{"id":"0123456789abcdef0123456789abcdef","status":"active","not_before":"2026-01-01T00:00:00Z"}`
	got, err := r2api.DecodeVerifyToken(env(ok))
	if err != nil || got.ID != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"no result", `{"success":true,"errors":[],"messages":[],"result":null}`, `no "result"`},
		{"no id", string(env(`{"status":"active"}`)), "no token id"},
		{"id of another type", string(env(`{"id":1,"status":"active"}`)), "Verify Token schema"},
		{"id that is not one", string(env(`{"id":"a/b\u001b","status":"active"}`)), `not letters and digits`},
		{"no status", string(env(`{"id":"ab"}`)), "no token status"},
		{"disabled", string(env(`{"id":"ab","status":"disabled"}`)), `"disabled", not active`},
		{"id twice", string(env(`{"id":"ab","id":"cd","status":"active"}`)), "not strict JSON"},
		{"failure", `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`, "code 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r2api.DecodeVerifyToken([]byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.ContainsRune(err.Error(), '\x1b') {
				t.Fatal("a control character in the message")
			}
		})
	}
	var e *r2api.Error
	if _, err := r2api.DecodeVerifyToken(env(`{"id":"ab","status":"disabled"}`)); !errors.As(err, &e) || !e.Permanent {
		t.Fatalf("an inactive token is not a permanent *Error: %v", err)
	}
}
