package fakeapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// R2's S3-compatible API (../shared/api/README.md, "R2's S3-compatible
// API"), as far as the provider reads it: Get Bucket CORS, path-style, at
// one endpoint per account and jurisdiction. R2's hosts are
// https://<account>.r2.cloudflarestorage.com and
// https://<account>.<jurisdiction>.r2.cloudflarestorage.com; on loopback the
// fake puts both in the path:
//
//	http://127.0.0.1:PORT/s3/<account_id>/<jurisdiction>/<bucket>?cors
//
// which is S3EndpointTemplate with the placeholders filled in, and the
// bucket appended path-style. Requests are signed with SigV4 (region
// "auto", service "s3"); the fake checks every signature by signing a copy
// of the request with aws-sdk-go-v2's own signer and comparing. The buckets
// and policies are the REST side's: both readers see one account. S3
// requests do not spend the user's REST budget (Budget, RateLimitFor): the
// working assumption, which the README lists as unverified.
const S3BasePath = "/s3"

// s3Namespace is S3's XML namespace, which R2 answers in too.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3MaxSkew is how far a request's X-Amz-Date may be from the fake's
// clock, as S3 allows.
const s3MaxSkew = 15 * time.Minute

// s3Key is one pair of S3 credentials and what they reach.
type s3Key struct {
	secret string
	cred   credential
}

// s3Counters count S3 requests (S3Stats).
type s3Counters struct {
	requests, reads, denied atomic.Int64
}

// S3Stats counts the S3 requests since the server started or the last
// ResetLog.
type S3Stats struct {
	// Requests is every request under S3BasePath, faults included.
	Requests int
	// Reads is the Get Bucket CORS requests that passed authentication and
	// were answered from the account (a policy, no policy, no bucket).
	Reads int
	// Denied is the requests refused for their credentials or permissions
	// (InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied, a bad
	// or stale signature).
	Denied int
}

// S3Stats reports the S3 counts.
func (s *Server) S3Stats() S3Stats {
	return S3Stats{
		Requests: int(s.s3.requests.Load()),
		Reads:    int(s.s3.reads.Load()),
		Denied:   int(s.s3.denied.Load()),
	}
}

// S3EndpointTemplate is the endpoint template (r2s3.Config.EndpointTemplate,
// the provider's s3_endpoint) that points a client at this fake, e.g.
// "http://127.0.0.1:41234/s3/{account_id}/{jurisdiction}".
func (s *Server) S3EndpointTemplate() string {
	return s.hs.URL + S3BasePath + "/{account_id}/{jurisdiction}"
}

// AddS3Credentials registers an S3 access key pair given as such (not
// derived from a token), reaching the accounts listed (none: every one).
func (s *Server) AddS3Credentials(accessKeyID, secretAccessKey string, accounts ...string) {
	if accessKeyID == "" || secretAccessKey == "" {
		return
	}
	s.mu.Lock()
	s.s3keys[accessKeyID] = s3Key{secret: secretAccessKey, cred: newCredential(accounts)}
	s.mu.Unlock()
}

// S3 error codes and messages as S3 sends them (R2 follows S3; which R2
// sends for a token without R2 access is assumed: README).
const (
	s3NoSuchBucket      = "NoSuchBucket"
	s3NoSuchCORS        = "NoSuchCORSConfiguration"
	s3AccessDenied      = "AccessDenied"
	s3InvalidKey        = "InvalidAccessKeyId"
	s3SignatureMismatch = "SignatureDoesNotMatch"
	s3NotEntitled       = "NotEntitled"

	msgS3NoSuchBucket   = "The specified bucket does not exist."
	msgS3NoSuchCORS     = "The CORS configuration does not exist"
	msgS3AccessDenied   = "Access Denied"
	msgS3InvalidKey     = "The AWS Access Key Id you provided does not exist in our records."
	msgS3SignatureBad   = "The request signature we calculated does not match the signature you provided. Check your secret access key and signing method."
	msgS3NotEntitled    = "Account not entitled to this feature."
	msgS3NotImplemented = "A header or query you provided requested a function that is not implemented."
	msgS3InvalidURI     = "Couldn't parse the specified URI."
	msgS3AuthMalformed  = "The authorization header is malformed."
)

// s3Error builds S3's error document.
func s3Error(status int, code, message string) response {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error><Code>")
	_ = xml.EscapeText(&b, []byte(code))
	b.WriteString("</Code><Message>")
	_ = xml.EscapeText(&b, []byte(message))
	b.WriteString("</Message></Error>")
	return response{status: status, contentType: "application/xml", body: b.Bytes()}
}

// s3FaultCode is the S3 code of a fault's default body for a status.
func s3FaultCode(status int) string {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return "SlowDown"
	case status == http.StatusForbidden, status == http.StatusUnauthorized:
		return s3AccessDenied
	case status == http.StatusNotFound:
		return s3NoSuchBucket
	case status >= 500:
		return "InternalError"
	default:
		return "InvalidRequest"
	}
}

// s3FaultResponse is the answer a deciding fault asks for on an S3 path:
// as faultResponse, with S3's error XML as the default body of an error
// status, and no body for a 2xx one (an empty answer).
func s3FaultResponse(f *Fault) response {
	if f.Status >= 200 && f.Status <= 299 && f.Body == "" {
		return response{status: f.Status, contentType: "application/xml"}
	}
	if f.Body != "" {
		r := faultResponse(f)
		if f.ContentType == "" {
			r.contentType = "application/xml"
		}
		return r
	}
	status := f.Status
	if status < 200 || status > 999 {
		return s3Error(http.StatusInternalServerError, "InternalError", "fakeapi: fault status "+strconv.Itoa(f.Status)+" cannot be sent")
	}
	msg := f.Message
	if msg == "" {
		msg = statusText(status)
	}
	return s3Error(status, s3FaultCode(status), msg)
}

// s3Route is a parsed S3 path.
type s3Route struct {
	accountID, jurisdiction, bucket string
}

// parseS3Route matches /s3/{account_id}/{jurisdiction}/{bucket}.
func parseS3Route(r *http.Request) (s3Route, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), S3BasePath+"/")
	if !ok {
		return s3Route{}, false
	}
	segs := strings.Split(rest, "/")
	if len(segs) != 3 {
		return s3Route{}, false
	}
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil || u == "" {
			return s3Route{}, false
		}
		segs[i] = u
	}
	if !jurisdictions.Valid(segs[1]) {
		return s3Route{}, false
	}
	return s3Route{accountID: segs[0], jurisdiction: segs[1], bucket: segs[2]}, true
}

// handleS3 computes the normal answer to an S3 request.
func (s *Server) handleS3(r *http.Request) response {
	rt, ok := parseS3Route(r)
	if !ok {
		return s3Error(http.StatusBadRequest, "InvalidURI", msgS3InvalidURI)
	}
	key, errResp, ok := s.authenticateS3(r)
	if !ok {
		s.s3.denied.Add(1)
		return errResp
	}
	if r.Method != http.MethodGet || (r.URL.RawQuery != "cors" && r.URL.RawQuery != "cors=") {
		return s3Error(http.StatusNotImplemented, "NotImplemented", msgS3NotImplemented)
	}
	s.mu.RLock()
	_, known := s.accounts[rt.accountID]
	s.mu.RUnlock()
	if !known || !key.cred.allows(rt.accountID) {
		s.s3.denied.Add(1)
		return s3Error(http.StatusForbidden, s3AccessDenied, msgS3AccessDenied)
	}
	if !s.entitled(rt.accountID, rt.jurisdiction) {
		return s3Error(http.StatusForbidden, s3NotEntitled, msgS3NotEntitled)
	}
	s.s3.reads.Add(1)
	result, found := s.corsResult(rt.accountID, rt.jurisdiction, rt.bucket)
	switch {
	case !found:
		return s3Error(http.StatusNotFound, s3NoSuchBucket, msgS3NoSuchBucket)
	case result == "":
		return s3Error(http.StatusNotFound, s3NoSuchCORS, msgS3NoSuchCORS)
	}
	body, err := resultXML(result)
	if err != nil {
		return s3Error(http.StatusInternalServerError, "InternalError", "fakeapi: the stored policy has no XML form: "+err.Error())
	}
	return response{status: http.StatusOK, contentType: "application/xml", body: body}
}

// authenticateS3 checks the request's SigV4 signature: the access key must
// be known, the scope R2's (region "auto", service "s3"), the date within
// s3MaxSkew, the payload hash the body's (or UNSIGNED-PAYLOAD), and the
// signature the one aws-sdk-go-v2's signer computes for a copy of the
// request holding only the signed headers.
func (s *Server) authenticateS3(r *http.Request) (s3Key, response, bool) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return s3Key{}, s3Error(http.StatusForbidden, s3AccessDenied, msgS3AccessDenied), false
	}
	a, ok := parseSigV4(authz)
	if !ok {
		return s3Key{}, s3Error(http.StatusBadRequest, "AuthorizationHeaderMalformed", msgS3AuthMalformed), false
	}
	s.mu.RLock()
	key, known := s.s3keys[a.accessKeyID]
	s.mu.RUnlock()
	if !known || !key.cred.active() {
		return s3Key{}, s3Error(http.StatusForbidden, s3InvalidKey, msgS3InvalidKey), false
	}
	if a.region != "auto" || a.service != "s3" {
		return s3Key{}, s3Error(http.StatusBadRequest, "AuthorizationHeaderMalformed",
			"The authorization header is malformed; the region is wrong; expecting 'auto'."), false
	}
	signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || signedAt.Format("20060102") != a.date {
		return s3Key{}, s3Error(http.StatusBadRequest, "AuthorizationHeaderMalformed", msgS3AuthMalformed), false
	}
	if skew := time.Since(signedAt); skew > s3MaxSkew || skew < -s3MaxSkew {
		return s3Key{}, s3Error(http.StatusForbidden, "RequestTimeTooSkewed",
			"The difference between the request time and the server's time is too large."), false
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		return s3Key{}, s3Error(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"), false
	}
	if payload != "UNSIGNED-PAYLOAD" && payload != emptySHA256 { // Every S3 request the fake serves is a GET without a body.
		return s3Key{}, s3Error(http.StatusBadRequest, "XAmzContentSHA256Mismatch",
			"The provided 'x-amz-content-sha256' header does not match what was computed."), false
	}
	want, err := resign(r, a, key.secret, payload, signedAt)
	if err != nil {
		return s3Key{}, s3Error(http.StatusBadRequest, "AuthorizationHeaderMalformed", msgS3AuthMalformed), false
	}
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return s3Key{}, s3Error(http.StatusForbidden, s3SignatureMismatch, msgS3SignatureBad), false
	}
	return key, response{}, true
}

// emptySHA256 is the SHA-256 of no bytes, hex: the payload hash of a GET.
var emptySHA256 = func() string { sum := sha256.Sum256(nil); return hex.EncodeToString(sum[:]) }()

// sigV4 is a parsed SigV4 Authorization header.
type sigV4 struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
	signature                          string
}

// parseSigV4 parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=HEX".
func parseSigV4(h string) (sigV4, bool) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigV4{}, false
	}
	var a sigV4
	var scope string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return sigV4{}, false
		}
		switch k {
		case "Credential":
			scope = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		default:
			return sigV4{}, false
		}
	}
	fields := strings.Split(scope, "/")
	if len(fields) != 5 || fields[4] != "aws4_request" || a.signature == "" || len(a.signedHeaders) == 0 {
		return sigV4{}, false
	}
	a.accessKeyID, a.date, a.region, a.service = fields[0], fields[1], fields[2], fields[3]
	return a, true
}

// resign signs a copy of r that holds only the headers the client signed,
// with the secret the fake knows, and returns the signature.
func resign(r *http.Request, a sigV4, secret, payload string, at time.Time) (string, error) {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	cp, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	cp.Host = r.Host
	for _, name := range a.signedHeaders {
		if name == "host" {
			continue
		}
		vals := r.Header.Values(name)
		if len(vals) == 0 {
			return "", errors.New("a signed header is missing")
		}
		cp.Header[http.CanonicalHeaderKey(name)] = vals
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: a.accessKeyID, SecretAccessKey: secret}
	if err := signer.SignHTTP(context.Background(), creds, cp, payload, a.service, a.region, at); err != nil {
		return "", err
	}
	got, ok := parseSigV4(cp.Header.Get("Authorization"))
	if !ok || strings.Join(got.signedHeaders, ";") != strings.Join(a.signedHeaders, ";") {
		return "", errors.New("the signed headers differ")
	}
	return got.signature, nil
}

// PolicyXML is the Get Bucket CORS answer (S3's XML) for a bucket whose
// REST policy is rulesJSON, the raw JSON array the REST side serves (see
// SetCORS): what the fake's S3 side serves, for tests that build a hostile
// variant of it. The conversion is the fake's, lenient as a server is: a
// value is written as it is stored, max ages included (1.5 or 1e3 stay so,
// and an S3 client refuses them); an empty or absent list has no element,
// since XML cannot tell them apart.
func PolicyXML(rulesJSON string) (string, error) {
	b, err := resultXML(rulesResult(rulesJSON))
	return string(b), err
}

// resultXML converts a stored "result" member to Get Bucket CORS XML.
func resultXML(resultJSON string) ([]byte, error) {
	var res struct {
		Rules []struct {
			ID      *string `json:"id"`
			Allowed *struct {
				Methods []string `json:"methods"`
				Origins []string `json:"origins"`
				Headers []string `json:"headers"`
			} `json:"allowed"`
			ExposeHeaders []string     `json:"exposeHeaders"`
			MaxAgeSeconds *json.Number `json:"maxAgeSeconds"`
		} `json:"rules"`
	}
	dec := json.NewDecoder(strings.NewReader(resultJSON))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<CORSConfiguration xmlns="` + s3Namespace + `">`)
	elem := func(name, v string) {
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">")
	}
	for _, rule := range res.Rules {
		b.WriteString("<CORSRule>")
		if rule.ID != nil {
			elem("ID", *rule.ID)
		}
		if a := rule.Allowed; a != nil {
			for _, v := range a.Origins {
				elem("AllowedOrigin", v)
			}
			for _, v := range a.Methods {
				elem("AllowedMethod", v)
			}
			for _, v := range a.Headers {
				elem("AllowedHeader", v)
			}
		}
		for _, v := range rule.ExposeHeaders {
			elem("ExposeHeader", v)
		}
		if rule.MaxAgeSeconds != nil {
			elem("MaxAgeSeconds", rule.MaxAgeSeconds.String())
		}
		b.WriteString("</CORSRule>")
	}
	b.WriteString("</CORSConfiguration>")
	return b.Bytes(), nil
}
