package r2api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"unicode/utf8"
)

// CodeInvalidAPIToken is what Verify Token answers for a token it does not
// know: 1000 "Invalid API Token" (HTTP 401); the user's endpoint answers an
// account-owned token so.
const CodeInvalidAPIToken = 1000

// tokenIDPattern bounds a token id before it becomes an S3 access key id in
// a signed header: Cloudflare's are 32 hexadecimal characters; anything of
// letters and digits up to 128 is taken, anything else refused.
var tokenIDPattern = regexp.MustCompile(`^[0-9A-Za-z]{1,128}$`)

// verifyBodyBytes bounds a Verify Token answer: an envelope around an id,
// a status and two dates is a few hundred bytes.
const verifyBodyBytes = 64 << 10

// verifier is what VerifyToken sends with: the client's base URL, API
// token ("" for the global API key), User-Agent and HTTP client.
type verifier struct {
	base, token, userAgent string
	http                   *http.Client
}

// VerifiedToken is what Verify Token said of the client's API token.
type VerifiedToken struct {
	// ID is the token's id, which is also its S3 access key id.
	ID string
	// Status is the token's status; VerifyToken returns only "active" ones.
	Status string
	// AccountOwned is set when the account's endpoint answered: the token
	// is owned by the account, not by a user.
	AccountOwned bool
}

// VerifyToken asks Cloudflare which token the client authenticates with,
// through the client's gate and retry policy (each endpoint is one call).
//
// The order is fixed: GET /user/tokens/verify first, which knows every
// user token; when it refuses the token (HTTP 401 or 403, or 400 with code
// 1000 or 9109: what it answers an account-owned token, which it does not
// know), GET /accounts/{account_id}/tokens/verify. Any other failure of the
// first (a 5xx past the retries, a 429 past the budget, an answer that is
// not the envelope) is returned as it is: falling back then would hide the
// cause. When both refuse, the error says what each answered. A token that
// is not active is an error. A client built with the global API key has no
// token to verify: an error, and nothing is sent.
func (c *Client) VerifyToken(ctx context.Context, accountID string) (VerifiedToken, error) {
	if c.verify.token == "" {
		return VerifiedToken{}, &Error{Permanent: true, Reason: "the provider authenticates with the global API key (api_key and email), " +
			"which has no token id, so nothing can be verified or derived from it; no request was sent"}
	}
	tok, err := c.verifyAt(ctx, "/user/tokens/verify")
	userErr, ok := AsError(err)
	if err == nil || !ok || !refusedToken(userErr) || accountID == "" {
		return tok, err
	}
	tok, err = c.verifyAt(ctx, "/accounts/"+url.PathEscape(accountID)+"/tokens/verify")
	if err == nil {
		tok.AccountOwned = true
		return tok, nil
	}
	if acctErr, ok := AsError(err); ok && refusedToken(acctErr) {
		both := *acctErr
		both.Reason = joinReasons(both.Reason, fmt.Sprintf("the account's Verify Token endpoint refused the token, "+
			"and before it the user's answered: %s", userErr))
		return VerifiedToken{}, &both
	}
	return VerifiedToken{}, err
}

// refusedToken reports whether an endpoint's answer says it does not know
// the token (as opposed to failing).
func refusedToken(e *Error) bool {
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusBadRequest:
		return e.HasCode(CodeInvalidAPIToken) || e.HasCode(CodeInvalidToken)
	}
	return false
}

func joinReasons(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// verifyAt calls one Verify Token endpoint (path below the base URL).
func (c *Client) verifyAt(ctx context.Context, path string) (VerifiedToken, error) {
	ctx, ex := c.startCall(ctx)
	ex.bodyLimit, ex.bodyLimitIs = verifyBodyBytes, "a token verification takes"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.verify.base+path, nil)
	if err != nil {
		return VerifiedToken{}, &Error{Reason: "building the Verify Token request: " + err.Error(), Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.verify.token)
	req.Header.Set("Accept", "application/json")
	if c.verify.userAgent != "" {
		req.Header.Set("User-Agent", c.verify.userAgent)
	}
	res, err := c.middleware(req, c.verify.http.Do)
	if err != nil {
		return VerifiedToken{}, c.callError(ctx, ex, err)
	}
	_ = res.Body.Close() // In memory: the middleware read it into ex.body.
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return VerifiedToken{}, c.callError(ctx, ex, errors.New(http.StatusText(res.StatusCode)))
	}
	if !isJSON(ex.contentType) {
		return VerifiedToken{}, decodeError(fmt.Errorf("the API answered with Content-Type %q, not JSON", ex.contentType), ex.body, ex)
	}
	tok, err := DecodeVerifyToken(ex.body)
	if err != nil {
		return VerifiedToken{}, decodeError(err, ex.body, ex)
	}
	return tok, nil
}

// DecodeVerifyToken decodes a 2xx body of Verify Token, by exact member
// names, as every answer is (decodeEnvelope): result.id must be a token id
// (letters and digits), result.status must be "active".
func DecodeVerifyToken(body []byte) (VerifiedToken, error) {
	const schema = "Verify Token"
	env, err := decodeEnvelope(body, schema)
	if err != nil {
		return VerifiedToken{}, err
	}
	if env.result == nil {
		return VerifiedToken{}, errors.New(`the API's answer has no "result" object`)
	}
	var id, status *string
	if err := errors.Join(env.result.Field("id", &id), env.result.Field("status", &status)); err != nil {
		return VerifiedToken{}, schemaError(schema, fmt.Errorf("result: %w", err))
	}
	switch {
	case id == nil:
		return VerifiedToken{}, errors.New(`the API's answer has no token id (result.id)`)
	case !tokenIDPattern.MatchString(*id):
		return VerifiedToken{}, fmt.Errorf("the API's answer has the token id %q, which is not letters and digits (1 to 128)", shorten(*id))
	case status == nil:
		return VerifiedToken{}, errors.New(`the API's answer has no token status (result.status)`)
	case *status != "active":
		return VerifiedToken{}, &Error{Permanent: true, Reason: fmt.Sprintf("the API token is %q, not active: "+
			"Cloudflare refuses every request made with it", shorten(*status))}
	}
	return VerifiedToken{ID: *id, Status: *status}, nil
}

// shorten keeps the first 80 bytes of server text for a message (%q then
// escapes it), cut on a rune boundary.
func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
