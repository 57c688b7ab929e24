package fakeapi

import (
	"errors"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/routers"
)

func TestVerifyToken(t *testing.T) {
	s, c := newFake(t)
	s.AddTokenWith("acct-token", TokenOptions{OwnedBy: acct})
	s.AddTokenWith("off", TokenOptions{Status: "expired"})
	user := s.URL() + "/user/tokens/verify"
	account := s.URL() + "/accounts/" + acct + "/tokens/verify"
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	e := decode(t, call(t, c, "GET", user, nil, ""))
	if !e.Success || string(e.Result) != `{"id":"`+TokenID(token)+`","status":"active"}` {
		t.Fatalf("user token: %+v %s", e, e.Result)
	}
	wantError(t, call(t, c, "GET", user, bearer("acct-token"), ""), 401, codeInvalidAPIToken, msgInvalidAPIToken)
	e = decode(t, call(t, c, "GET", account, bearer("acct-token"), ""))
	if !e.Success || string(e.Result) != `{"id":"`+TokenID("acct-token")+`","status":"active"}` {
		t.Fatalf("account token: %s", e.Result)
	}
	wantError(t, call(t, c, "GET", account, nil, ""), 401, codeInvalidAPIToken, msgInvalidAPIToken)
	wantError(t, call(t, c, "GET", user, bearer("nope"), ""), 401, codeInvalidAPIToken, msgInvalidAPIToken)
	wantError(t, call(t, c, "GET", user, map[string]string{}, ""), 400, codeInvalidToken, msgInvalidToken)
	if e := decode(t, call(t, c, "GET", user, bearer("off"), "")); string(e.Result) != `{"id":"`+TokenID("off")+`","status":"expired"}` {
		t.Fatalf("expired token: %s", e.Result)
	}
	// A token that is not active reaches nothing else.
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), bearer("off"), ""), 403, codeInvalidToken, msgInvalidToken)
	// A token without R2 permission verifies, and reads nothing.
	s.AddTokenWith("no-r2", TokenOptions{NoR2: true})
	if e := decode(t, call(t, c, "GET", user, bearer("no-r2"), "")); !e.Success {
		t.Fatal("a token without R2 access does not verify")
	}
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), bearer("no-r2"), ""), 403, codeAuth, msgAuth)
}

// The OpenAPI slice in testdata covers R2 buckets and CORS only: Verify
// Token is not in it, so the contract test cannot check these answers
// (their shape follows Cloudflare's API reference). If a new slice brings
// the routes, this fails: add them to TestContract.
func TestVerifyTokenIsOutsideTheContract(t *testing.T) {
	s, _ := newFake(t)
	_, router := loadContract(t, s.URL())
	for _, p := range []string{"/user/tokens/verify", "/accounts/" + acct + "/tokens/verify"} {
		req, _ := http.NewRequest("GET", s.URL()+p, nil)
		var rerr *routers.RouteError
		if _, _, err := router.FindRoute(req); !errors.As(err, &rerr) {
			t.Errorf("%s: the schema has a route now (%v): check the fake's answers against it", p, err)
		}
	}
}
