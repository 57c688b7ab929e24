package r2s3

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// ReadersConfig is what the provider resolved for the S3 reader, for every
// account it may read.
type ReadersConfig struct {
	// Source is the credentials the provider was configured with; the S3
	// credentials are resolved from it (ResolveCredentials) on the first
	// read of each account.
	Source CredentialSource
	// Verifier tells the API token's id: the provider's *r2api.Client, so
	// that Verify Token goes through the REST client's gate.
	Verifier TokenVerifier
	// CredentialsSource names where the credentials come from (Config).
	// Whether they are derived follows from Source.
	CredentialsSource string
	// The rest is each account's Reader's (Config).
	EndpointTemplate, EndpointSource string
	UserAgent                        string
	Policy                           r2api.Policy
	Concurrency                      int
}

// Readers reads bucket CORS policies of any account through the S3 API,
// with the signature of r2api.Client.GetBucketCORS, so that a data source
// reads through either without knowing which. A Reader is per account (its
// endpoints are), so Readers builds one on the first read of each account,
// once, after resolving its credentials: deriving them from the API token
// takes Verify Token (one or two REST requests), so a plan that reads no
// policy through the S3 API sends nothing, and one that reads ten thousand
// verifies once. What the first read of an account met, a Reader or an
// error (a refused token, say), every later read of that account gets,
// without a request; only a read cancelled while it resolved leaves nothing
// behind, and the next read tries again. Safe for concurrent use: reads of
// an account that is being resolved wait for it, or for their own context.
type Readers struct {
	cfg ReadersConfig

	mu       sync.Mutex
	accounts map[string]*pending
}

// pending is one account's resolution: done is closed once reader or err
// is set, or once the resolution was cancelled (retry).
type pending struct {
	done   chan struct{}
	reader *Reader
	err    error
	retry  bool
}

// NewReaders builds the readers. It sends nothing.
func NewReaders(cfg ReadersConfig) *Readers {
	return &Readers{cfg: cfg, accounts: map[string]*pending{}}
}

// SetupError is a failure to ready the S3 reader of an account before any
// S3 request: its credentials could not be resolved (Verify Token failed,
// the global API key cannot derive them) or the reader not built. Every
// read of that account returns the same one.
type SetupError struct {
	AccountID string
	// Derived is set when the credentials were to be derived from the API
	// token (so Err is Verify Token's failure, or ErrGlobalKeyCannotDerive).
	Derived bool
	// CredentialsSource is ReadersConfig's.
	CredentialsSource string
	Err               error
}

func (e *SetupError) Error() string {
	return fmt.Sprintf("readying the S3 reader of account %s: %v", e.AccountID, e.Err)
}

func (e *SetupError) Unwrap() error { return e.Err }

// AsSetupError returns err as a *SetupError when it is one.
func AsSetupError(err error) (*SetupError, bool) {
	var e *SetupError
	ok := errors.As(err, &e)
	return e, ok
}

// GetBucketCORS reads a bucket's CORS policy through the S3 API, as
// Reader.GetBucketCORS does, in the argument order of
// r2api.Client.GetBucketCORS. A failure is an *Error, or a *SetupError
// when the account's reader could not be readied.
func (rs *Readers) GetBucketCORS(ctx context.Context, accountID, bucketName, jurisdiction string) ([]cors.Rule, error) {
	r, err := rs.Reader(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return r.GetBucketCORS(ctx, jurisdiction, bucketName)
}

// Reader is the S3 reader of an account, built on its first call (see
// Readers).
func (rs *Readers) Reader(ctx context.Context, accountID string) (*Reader, error) {
	for {
		rs.mu.Lock()
		p, ok := rs.accounts[accountID]
		if !ok {
			p = &pending{done: make(chan struct{})}
			rs.accounts[accountID] = p
			rs.mu.Unlock()
			rs.resolve(ctx, accountID, p)
			return p.reader, p.err
		}
		rs.mu.Unlock()
		select {
		case <-p.done:
			if !p.retry {
				return p.reader, p.err
			}
		case <-ctx.Done():
			return nil, &Error{Kind: KindCancelled, Permanent: true, Err: ctx.Err(),
				Reason: "the read was cancelled while the S3 credentials were being resolved"}
		}
	}
}

// resolve readies p, and forgets it if ctx ended meanwhile: a cancelled
// Verify Token says nothing of the token.
func (rs *Readers) resolve(ctx context.Context, accountID string, p *pending) {
	defer close(p.done)
	p.reader, p.err = rs.build(ctx, accountID)
	if p.err != nil && ctx.Err() != nil {
		p.retry = true
		rs.mu.Lock()
		delete(rs.accounts, accountID)
		rs.mu.Unlock()
		p.err = &Error{Kind: KindCancelled, Permanent: true, Err: ctx.Err(),
			Reason: "the read was cancelled while the S3 credentials were being resolved"}
	}
}

func (rs *Readers) build(ctx context.Context, accountID string) (*Reader, error) {
	derived := rs.cfg.Source.AccessKeyID == "" && rs.cfg.Source.SecretAccessKey == ""
	setupErr := func(err error) error {
		return &SetupError{AccountID: accountID, Derived: derived, CredentialsSource: rs.cfg.CredentialsSource, Err: err}
	}
	if derived && rs.cfg.Source.APIToken != "" && rs.cfg.Verifier == nil {
		return nil, setupErr(errors.New("no Verify Token client to derive the S3 credentials with"))
	}
	creds, err := ResolveCredentials(ctx, rs.cfg.Source, accountID, rs.cfg.Verifier)
	if err != nil {
		return nil, setupErr(err)
	}
	r, err := NewReader(Config{
		AccountID:          accountID,
		Credentials:        creds,
		CredentialsSource:  rs.cfg.CredentialsSource,
		CredentialsDerived: derived,
		EndpointTemplate:   rs.cfg.EndpointTemplate,
		EndpointSource:     rs.cfg.EndpointSource,
		UserAgent:          rs.cfg.UserAgent,
		Policy:             rs.cfg.Policy,
		Concurrency:        rs.cfg.Concurrency,
	})
	if err != nil {
		return nil, setupErr(err)
	}
	return r, nil
}
