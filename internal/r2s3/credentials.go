package r2s3

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Credentials are a pair of R2 S3 credentials. Printing them (%v, %+v, %#v)
// never shows the secret.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

func (c Credentials) String() string {
	return fmt.Sprintf("r2s3.Credentials{AccessKeyID: %q, SecretAccessKey: [REDACTED]}", c.AccessKeyID)
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// DeriveS3Credentials derives the S3 credentials of an API token as
// Cloudflare documents it (R2, "Get S3 API credentials from an API token"):
// the access key id is the token's id (Verify Token's result.id), the
// secret the SHA-256 of the token value, in lowercase hex.
func DeriveS3Credentials(token, tokenID string) Credentials {
	sum := sha256.Sum256([]byte(token))
	return Credentials{AccessKeyID: tokenID, SecretAccessKey: hex.EncodeToString(sum[:])}
}

// Errors of ResolveCredentials, for a diagnostic to attach to the right
// attribute.
var (
	// ErrGlobalKeyCannotDerive: the provider authenticates with the global
	// API key, from which no S3 credentials derive.
	ErrGlobalKeyCannotDerive = errors.New("S3 credentials cannot be derived from the global API key (api_key and email): " +
		"only an API token has an id and a value to derive them from; set an API token, or the S3 access key id and secret")
	// ErrIncompleteCredentials: one of the access key id and the secret
	// is set without the other.
	ErrIncompleteCredentials = errors.New("the S3 access key id and secret access key must be set together")
	// ErrNoCredentials: nothing to read the S3 API with.
	ErrNoCredentials = errors.New("no S3 credentials: set an API token to derive them from, or the S3 access key id and secret")
)

// CredentialSource is what the provider was configured with, for
// ResolveCredentials.
type CredentialSource struct {
	// AccessKeyID and SecretAccessKey are S3 credentials given as such.
	AccessKeyID, SecretAccessKey string
	// APIToken is the REST API token, from which S3 credentials derive.
	APIToken string
	// GlobalKey is set when the REST API is reached with the global API key.
	GlobalKey bool
}

// TokenVerifier tells a token's id: *r2api.Client, built with that token.
type TokenVerifier interface {
	VerifyToken(ctx context.Context, accountID string) (r2api.VerifiedToken, error)
}

// ResolveCredentials decides the S3 credentials: the explicit ones when
// set (both, or it is an error); else those derived from the API token,
// whose id Verify Token gives (one or two REST requests, through the REST
// client's gate: r2api.Client.VerifyToken); else an error saying why none
// can be had (the global API key cannot derive them). verify is called only
// when derivation is needed.
func ResolveCredentials(ctx context.Context, src CredentialSource, accountID string, verify TokenVerifier) (Credentials, error) {
	switch {
	case (src.AccessKeyID == "") != (src.SecretAccessKey == ""):
		return Credentials{}, ErrIncompleteCredentials
	case src.AccessKeyID != "":
		return Credentials{AccessKeyID: src.AccessKeyID, SecretAccessKey: src.SecretAccessKey}, nil
	case src.APIToken != "":
		tok, err := verify.VerifyToken(ctx, accountID)
		if err != nil {
			return Credentials{}, fmt.Errorf("deriving S3 credentials from the API token: Verify Token failed: %w", err)
		}
		return DeriveS3Credentials(src.APIToken, tok.ID), nil
	case src.GlobalKey:
		return Credentials{}, ErrGlobalKeyCannotDerive
	}
	return Credentials{}, ErrNoCredentials
}
