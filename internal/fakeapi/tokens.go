package fakeapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
)

// Verify Token (../shared/api/README.md, "R2's S3-compatible API"): the
// token's id is its S3 access key id. These two endpoints are not in the
// OpenAPI slice of testdata (it covers R2 buckets and CORS only), so the
// contract test does not check them; their shape follows Cloudflare's API
// reference ("Verify Token", user and account).
const (
	codeInvalidAPIToken = 1000 // Invalid API Token: what Verify Token answers a token it does not know.
	msgInvalidAPIToken  = "Invalid API Token"
	msgTokenValid       = "This API Token is valid and active"
)

// TokenOptions describe a token for AddTokenWith.
type TokenOptions struct {
	// Accounts the token reaches; none means every account (as AddToken).
	Accounts []string
	// OwnedBy makes the token account-owned: it reaches that account only,
	// and Verify Token knows it only on that account's endpoint
	// (/accounts/{id}/tokens/verify), the user's answering 401, code 1000.
	OwnedBy string
	// NoR2 is a token without the "Workers R2 Storage" permission: Verify
	// Token answers for it, every R2 call is refused (REST: 403, code
	// 10000; S3: 403 AccessDenied), as Cloudflare refuses a token that
	// lacks the permission (assumed for S3: README, what we could not verify).
	NoR2 bool
	// Status is what Verify Token says of it; "" is "active". A token that
	// is not active is refused everywhere else as an unknown one.
	Status string
}

// AddTokenWith registers an API token as AddToken does, with options. Its
// S3 credentials are registered with it, as Cloudflare derives them: the
// access key id is TokenID(token), the secret the SHA-256 of the token in
// lowercase hex (S3Secret).
func (s *Server) AddTokenWith(token string, o TokenOptions) {
	if token == "" {
		return
	}
	accounts := o.Accounts
	if o.OwnedBy != "" {
		accounts = []string{o.OwnedBy}
	}
	c := newCredential(accounts)
	c.noR2, c.owner, c.status = o.NoR2, o.OwnedBy, o.Status
	s.mu.Lock()
	s.tokens[token] = c
	s.s3keys[TokenID(token)] = s3Key{secret: S3Secret(token), cred: c}
	s.mu.Unlock()
}

// TokenID is the id the fake gives a token (Cloudflare's are 32 hex
// digits, opaque): the first 16 bytes of SHA-256("token-id:" + token), hex.
func TokenID(token string) string {
	sum := sha256.Sum256([]byte("token-id:" + token))
	return hex.EncodeToString(sum[:16])
}

// S3Secret is the S3 secret access key of a token, as Cloudflare documents
// it: the SHA-256 of the token value, lowercase hex. The fake keeps its own
// copy of the derivation: it stands for the API, not for the code under test.
func S3Secret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (c credential) active() bool { return c.status == "" || c.status == "active" }

// verifyRoute matches the two Verify Token paths; accountID is "" for the
// user's.
func verifyRoute(r *http.Request) (accountID string, ok bool) {
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), BasePath+"/")
	if !found {
		return "", false
	}
	if rest == "user/tokens/verify" {
		return "", true
	}
	segs := strings.Split(rest, "/")
	if len(segs) == 4 && segs[0] == "accounts" && segs[1] != "" && segs[2] == "tokens" && segs[3] == "verify" {
		return segs[1], true
	}
	return "", false
}

// verifyToken answers Verify Token, user's (accountID "") or account's.
func (s *Server) verifyToken(r *http.Request, accountID string) response {
	if r.Method != http.MethodGet {
		return errorResponse(http.StatusNotFound, codeNoRoute, msgNoRoute)
	}
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errorResponse(http.StatusBadRequest, codeInvalidToken, msgInvalidToken)
	}
	s.mu.RLock()
	c, known := s.tokens[strings.TrimSpace(token)]
	s.mu.RUnlock()
	if !known || c.owner != accountID {
		return errorResponse(http.StatusUnauthorized, codeInvalidAPIToken, msgInvalidAPIToken)
	}
	status := c.status
	if status == "" {
		status = "active"
	}
	result, err := json.Marshal(struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}{TokenID(strings.TrimSpace(token)), status})
	if err != nil { // Cannot happen with these types.
		return errorResponse(http.StatusInternalServerError, codeInternal, err.Error())
	}
	return successRaw(string(result), "")
}
