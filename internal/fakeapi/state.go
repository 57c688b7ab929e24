package fakeapi

import (
	"sort"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// Bucket describes a bucket to create with AddBucket.
type Bucket struct {
	Name string
	// Jurisdiction is "default", "eu", "fedramp" or "us"; "" means
	// "default".
	Jurisdiction string
	// Location is served as is; "" becomes "weur" for "eu" buckets and
	// "enam" otherwise, as every real bucket has one.
	Location string
	// StorageClass is served as is; "" becomes "Standard".
	StorageClass string
	// CreationDate is served as is; "" becomes the time of AddBucket in
	// Cloudflare's format.
	CreationDate string
	// CORSRules is the raw JSON array of CORS rules, served byte for byte;
	// "" means the bucket has no CORS policy.
	CORSRules string
}

// credential is what a token or global key may reach.
type credential struct {
	// accounts is nil when the credential reaches every account.
	accounts map[string]bool
	// noR2 is a token without R2 permissions (TokenOptions.NoR2).
	noR2 bool
	// owner is the account that owns an account-owned token, "" for a
	// user's token or a global key.
	owner string
	// status is a token's status; "" is "active".
	status string
}

func newCredential(accounts []string) credential {
	if len(accounts) == 0 {
		return credential{}
	}
	c := credential{accounts: make(map[string]bool, len(accounts))}
	for _, a := range accounts {
		c.accounts[a] = true
	}
	return c
}

// allows says whether the credential may use R2 in the account: a token
// without R2 access may not, in any account.
func (c credential) allows(accountID string) bool {
	return !c.noR2 && (c.accounts == nil || c.accounts[accountID])
}

type globalKey struct{ email, key string }

type account struct {
	// buckets is keyed by jurisdiction, then by bucket name, because a
	// bucket is only visible in its own jurisdiction.
	buckets map[string]map[string]*bucket
	// notEntitled holds the jurisdictions the account may not use.
	notEntitled map[string]bool
}

type bucket struct {
	info Bucket
	// corsResult is the raw JSON of the "result" member served by Get
	// Bucket CORS Policy; "" means no policy (404, code 10059).
	corsResult string
}

// AddToken registers an API token accepted as "Authorization: Bearer
// <token>". With no accounts the token reaches every account; otherwise
// only those listed. Registering a token again replaces its accounts.
func (s *Server) AddToken(token string, accounts ...string) {
	s.AddTokenWith(token, TokenOptions{Accounts: accounts})
}

// AddGlobalKey registers a legacy global API key, sent as X-Auth-Email and
// X-Auth-Key. Accounts work as for AddToken.
func (s *Server) AddGlobalKey(email, key string, accounts ...string) {
	if email == "" || key == "" {
		return
	}
	s.mu.Lock()
	s.keys[globalKey{email, key}] = newCredential(accounts)
	s.mu.Unlock()
}

// AddAccount creates an empty account. Requests for an unknown account get
// 404 with code 7003, as on Cloudflare.
func (s *Server) AddAccount(accountID string) {
	s.mu.Lock()
	s.accountLocked(accountID)
	s.mu.Unlock()
}

func (s *Server) accountLocked(accountID string) *account {
	a := s.accounts[accountID]
	if a == nil {
		a = &account{buckets: make(map[string]map[string]*bucket), notEntitled: make(map[string]bool)}
		s.accounts[accountID] = a
	}
	return a
}

// NotEntitled makes the account unable to use a jurisdiction, as an account
// without a FedRAMP contract cannot use fedramp: every request for it in that
// jurisdiction answers 403 with code 10042 (see testdata/API.md for what is
// known of this answer and what is assumed).
func (s *Server) NotEntitled(accountID, jurisdiction string) {
	s.mu.Lock()
	s.accountLocked(accountID).notEntitled[jurisdictions.OrDefault(jurisdiction)] = true
	s.mu.Unlock()
}

func (s *Server) entitled(accountID, jurisdiction string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[accountID]
	return a == nil || !a.notEntitled[jurisdiction]
}

// AddBucket creates (or replaces) a bucket, creating the account if needed.
func (s *Server) AddBucket(accountID string, b Bucket) {
	nb := newBucket(b)
	s.mu.Lock()
	s.putBucketLocked(accountID, nb)
	s.mu.Unlock()
}

// newBucket fills in the defaults a real bucket always has.
func newBucket(b Bucket) *bucket {
	b.Jurisdiction = jurisdictions.OrDefault(b.Jurisdiction)
	if b.Location == "" {
		b.Location = "enam"
		if b.Jurisdiction == "eu" {
			b.Location = "weur"
		}
	}
	if b.StorageClass == "" {
		b.StorageClass = "Standard"
	}
	if b.CreationDate == "" {
		b.CreationDate = time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	}
	nb := &bucket{info: b}
	if b.CORSRules != "" {
		nb.corsResult = rulesResult(b.CORSRules)
	}
	return nb
}

func (s *Server) putBucketLocked(accountID string, b *bucket) {
	a := s.accountLocked(accountID)
	m := a.buckets[b.info.Jurisdiction]
	if m == nil {
		m = make(map[string]*bucket)
		a.buckets[b.info.Jurisdiction] = m
	}
	m[b.info.Name] = b
}

// rulesResult wraps a raw rules array into a raw result object without
// re-encoding it, so that the rules are served byte for byte.
func rulesResult(rulesJSON string) string {
	return `{"rules":` + rulesJSON + `}`
}

// SetCORS sets a bucket's CORS rules to the raw JSON array rulesJSON,
// served byte for byte (it is not validated, so tests can serve odd
// numbers or fields). "" removes the policy. The bucket (and account) is
// created with defaults when missing.
func (s *Server) SetCORS(accountID, jurisdiction, bucketName, rulesJSON string) {
	result := ""
	if rulesJSON != "" {
		result = rulesResult(rulesJSON)
	}
	s.SetCORSResult(accountID, jurisdiction, bucketName, result)
}

// SetCORSResult sets the raw JSON of the whole "result" member served for a
// bucket's CORS policy, e.g. `{}` for a result without "rules". "" removes
// the policy. The bucket is created with defaults when missing.
func (s *Server) SetCORSResult(accountID, jurisdiction, bucketName, resultJSON string) {
	jurisdiction = jurisdictions.OrDefault(jurisdiction)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bucketLocked(accountID, jurisdiction, bucketName)
	if b == nil {
		b = newBucket(Bucket{Name: bucketName, Jurisdiction: jurisdiction})
		s.putBucketLocked(accountID, b)
	}
	b.corsResult = resultJSON
}

func (s *Server) bucketLocked(accountID, jurisdiction, name string) *bucket {
	a := s.accounts[accountID]
	if a == nil {
		return nil
	}
	return a.buckets[jurisdiction][name]
}

// sortedBuckets returns copies of the buckets of one jurisdiction of an
// account, in ascending name order.
func (s *Server) sortedBuckets(accountID, jurisdiction string) []Bucket {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil
	}
	m := a.buckets[jurisdiction]
	out := make([]Bucket, 0, len(m))
	for _, b := range m {
		out = append(out, b.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
