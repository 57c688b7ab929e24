package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// Error codes and messages as Cloudflare sends them (see
// testdata/API.md).
const (
	codeAuth          = 10000 // Authentication error.
	codeInvalidToken  = 9109  // Invalid access token.
	codeNoRoute       = 7000  // No route for that URI.
	codeCannotRoute   = 7003  // Could not route to ..., perhaps your object identifier is invalid?
	codeNoBucket      = 10006 // The specified bucket does not exist.
	codeNoCORS        = 10059 // The CORS configuration does not exist.
	codeMalformedJSON = 10040 // The JSON you provided was not well formed.
	codeRateLimited   = 971   // Please wait and consider throttling your request speed.
	codeNotEntitled   = 10042 // Account not entitled to this feature.
	codeInternal      = 10001 // Internal error; the fake's choice for 5xx faults.
	// codeInvalidArgument is the fake's choice for a bad query parameter or
	// jurisdiction header: the README documents no code for these cases,
	// so one in R2's range is used (the schema requires at least 1000).
	codeInvalidArgument = 10029
)

const (
	msgAuth          = "Authentication error"
	msgInvalidToken  = "Invalid access token"
	msgNoRoute       = "No route for that URI"
	msgNoBucket      = "The specified bucket does not exist."
	msgNoCORS        = "The CORS configuration does not exist."
	msgMalformedJSON = "The JSON you provided was not well formed."
	msgRateLimited   = "Please wait and consider throttling your request speed"
	msgNotEntitled   = "Account not entitled to this feature."
)

// maxBody bounds PUT bodies so that odd clients cannot exhaust memory.
const maxBody = 1 << 20

// response is a fully decided answer, written only after it is logged.
type response struct {
	status      int
	contentType string
	body        []byte
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// errorResponse builds Cloudflare's failure envelope.
func errorResponse(status, code int, message string) response {
	b, err := json.Marshal(struct {
		Success  bool       `json:"success"`
		Errors   []apiError `json:"errors"`
		Messages []string   `json:"messages"`
		Result   any        `json:"result"`
	}{false, []apiError{{code, message}}, []string{}, nil})
	if err != nil { // Cannot happen with these types.
		b = []byte(`{"success":false,"errors":[],"messages":[],"result":null}`)
	}
	return response{status: status, body: b}
}

// successRaw builds the success envelope around a raw result, keeping its
// bytes exactly. extra is raw JSON members appended after "result".
func successRaw(result, extra string) response {
	var b strings.Builder
	b.WriteString(`{"success":true,"errors":[],"messages":[],"result":`)
	b.WriteString(result)
	if extra != "" {
		b.WriteString(",")
		b.WriteString(extra)
	}
	b.WriteString("}")
	return response{status: http.StatusOK, body: []byte(b.String())}
}

// defaultFaultResponse is what a Fault with a Status but no Body answers:
// the envelope Cloudflare would send for that status.
func defaultFaultResponse(status int) response {
	switch {
	case status == http.StatusTooManyRequests:
		return errorResponse(status, codeRateLimited, msgRateLimited)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return errorResponse(status, codeAuth, msgAuth)
	case status == http.StatusNotFound:
		return errorResponse(status, codeNoRoute, msgNoRoute)
	case status >= 400:
		return errorResponse(status, defaultCode(status), statusText(status))
	default:
		r := successRaw("null", "")
		r.status = status
		return r
	}
}

// defaultCode is the error code of a fault's default envelope.
func defaultCode(status int) int {
	switch {
	case status == http.StatusTooManyRequests:
		return codeRateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return codeAuth
	case status == http.StatusNotFound:
		return codeNoRoute
	case status >= 500:
		return codeInternal
	default:
		return codeInvalidArgument
	}
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error " + strconv.Itoa(status)
}

// route is a parsed API path.
type route struct {
	kind      string // "list" or "cors".
	accountID string
	bucket    string
	// path is the escaped path after BasePath, as requested, used in the
	// 7003 message like Cloudflare does.
	path string
}

// parseRoute matches /client/v4/accounts/{id}/r2/buckets[/{name}/cors].
func parseRoute(r *http.Request) (route, bool) {
	p := r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(p, BasePath+"/")
	if !ok {
		return route{}, false
	}
	segs := strings.Split(rest, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil || u == "" {
			return route{}, false
		}
		segs[i] = u
	}
	rt := route{path: "/" + rest}
	switch {
	case len(segs) == 4 && segs[0] == "accounts" && segs[2] == "r2" && segs[3] == "buckets":
		rt.kind = "list"
	case len(segs) == 6 && segs[0] == "accounts" && segs[2] == "r2" && segs[3] == "buckets" && segs[5] == "cors":
		rt.kind = "cors"
		rt.bucket = segs[4]
	default:
		return route{}, false
	}
	rt.accountID = segs[1]
	return rt, true
}

// handle computes the normal answer to r.
func (s *Server) handle(r *http.Request) response {
	if accountID, ok := verifyRoute(r); ok {
		return s.verifyToken(r, accountID)
	}
	rt, ok := parseRoute(r)
	if !ok ||
		(rt.kind == "list" && r.Method != http.MethodGet) ||
		(rt.kind == "cors" && r.Method != http.MethodGet && r.Method != http.MethodPut && r.Method != http.MethodDelete) {
		return errorResponse(http.StatusNotFound, codeNoRoute, msgNoRoute)
	}
	cred, errResp, ok := s.authenticate(r.Header)
	if !ok {
		return errResp
	}
	jur := jurisdictions.OrDefault(r.Header.Get("cf-r2-jurisdiction"))
	if !jurisdictions.Valid(jur) {
		return errorResponse(http.StatusBadRequest, codeInvalidArgument,
			"Invalid cf-r2-jurisdiction header "+strconv.Quote(jur)+": must be one of "+jurisdictions.List()+".")
	}
	var lq listQuery
	if rt.kind == "list" {
		var msg string
		if lq, msg = parseListQuery(r.URL.Query()); msg != "" {
			return errorResponse(http.StatusBadRequest, codeInvalidArgument, msg)
		}
	}
	s.mu.RLock()
	_, known := s.accounts[rt.accountID]
	s.mu.RUnlock()
	if !known {
		return errorResponse(http.StatusNotFound, codeCannotRoute,
			"Could not route to "+rt.path+", perhaps your object identifier is invalid?")
	}
	if !cred.allows(rt.accountID) {
		return errorResponse(http.StatusForbidden, codeAuth, msgAuth)
	}
	if !s.entitled(rt.accountID, jur) {
		return errorResponse(http.StatusForbidden, codeNotEntitled, msgNotEntitled)
	}
	if rt.kind == "list" {
		return s.listBuckets(rt.accountID, jur, lq)
	}
	switch r.Method {
	case http.MethodPut:
		return s.putCORS(r, rt, jur)
	case http.MethodDelete:
		return s.deleteCORS(rt, jur)
	default:
		return s.getCORS(rt, jur)
	}
}

// authenticate checks the credentials, bearer token first, then the legacy
// global key. ok is false when errResp must be answered.
func (s *Server) authenticate(h http.Header) (cred credential, errResp response, ok bool) {
	if authz := h.Get("Authorization"); authz != "" {
		scheme, token, found := strings.Cut(authz, " ")
		token = strings.TrimSpace(token)
		if !found || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
			return credential{}, errorResponse(http.StatusBadRequest, codeInvalidToken, msgInvalidToken), false
		}
		s.mu.RLock()
		c, known := s.tokens[token]
		s.mu.RUnlock()
		if !known || !c.active() {
			return credential{}, errorResponse(http.StatusForbidden, codeInvalidToken, msgInvalidToken), false
		}
		return c, response{}, true
	}
	email, key := h.Get("X-Auth-Email"), h.Get("X-Auth-Key")
	if email == "" && key == "" {
		return credential{}, errorResponse(http.StatusUnauthorized, codeAuth, msgAuth), false
	}
	s.mu.RLock()
	c, known := s.keys[globalKey{email, key}]
	s.mu.RUnlock()
	if !known {
		return credential{}, errorResponse(http.StatusForbidden, codeAuth, msgAuth), false
	}
	return c, response{}, true
}

// corsResult is a bucket's stored CORS result, the same for the REST and the
// S3 side ("" when it has no policy); found is false when there is no bucket.
func (s *Server) corsResult(accountID, jurisdiction, bucket string) (result string, found bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := s.bucketLocked(accountID, jurisdiction, bucket)
	if b == nil {
		return "", false
	}
	return b.corsResult, true
}

func (s *Server) getCORS(rt route, jur string) response {
	result, found := s.corsResult(rt.accountID, jur, rt.bucket)
	switch {
	case !found:
		return errorResponse(http.StatusNotFound, codeNoBucket, msgNoBucket)
	case result == "":
		return errorResponse(http.StatusNotFound, codeNoCORS, msgNoCORS)
	}
	return successRaw(result, "")
}

func (s *Server) deleteCORS(rt route, jur string) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bucketLocked(rt.accountID, jur, rt.bucket)
	if b == nil {
		return errorResponse(http.StatusNotFound, codeNoBucket, msgNoBucket)
	}
	b.corsResult = ""
	return successRaw("{}", "")
}

// corsRule is used only to check PUT bodies; the stored policy keeps the
// client's raw JSON.
type corsRule struct {
	Allowed *struct {
		Methods []string `json:"methods"`
		Origins []string `json:"origins"`
		Headers []string `json:"headers"`
	} `json:"allowed"`
	ID            *string  `json:"id"`
	ExposeHeaders []string `json:"exposeHeaders"`
	MaxAgeSeconds *float64 `json:"maxAgeSeconds"`
}

var corsMethods = map[string]bool{"GET": true, "PUT": true, "POST": true, "DELETE": true, "HEAD": true}

func (s *Server) putCORS(r *http.Request, rt route, jur string) response {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(data) > maxBody {
		return errorResponse(http.StatusBadRequest, codeMalformedJSON, msgMalformedJSON)
	}
	var body struct {
		Rules json.RawMessage `json:"rules"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return errorResponse(http.StatusBadRequest, codeMalformedJSON, msgMalformedJSON)
	}
	raw := []byte("[]")
	if len(body.Rules) > 0 && !bytes.Equal(body.Rules, []byte("null")) {
		var rules []corsRule
		if err := json.Unmarshal(body.Rules, &rules); err != nil {
			return errorResponse(http.StatusBadRequest, codeMalformedJSON, msgMalformedJSON)
		}
		if msg := checkRules(rules); msg != "" {
			return errorResponse(http.StatusBadRequest, codeMalformedJSON, msg)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, body.Rules); err != nil {
			return errorResponse(http.StatusBadRequest, codeMalformedJSON, msgMalformedJSON)
		}
		raw = buf.Bytes()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.bucketLocked(rt.accountID, jur, rt.bucket)
	if b == nil {
		return errorResponse(http.StatusNotFound, codeNoBucket, msgNoBucket)
	}
	b.corsResult = rulesResult(string(raw))
	return successRaw("{}", "")
}

// checkRules applies the schema's requirements to PUT rules.
func checkRules(rules []corsRule) string {
	for i, rule := range rules {
		prefix := "rules[" + strconv.Itoa(i) + "]"
		if rule.Allowed == nil {
			return prefix + ".allowed is required."
		}
		if rule.Allowed.Methods == nil || rule.Allowed.Origins == nil {
			return prefix + ".allowed needs methods and origins."
		}
		for _, m := range rule.Allowed.Methods {
			if !corsMethods[m] {
				return prefix + ".allowed.methods has an unsupported method " + strconv.Quote(m) + "."
			}
		}
	}
	return ""
}

// listQuery is a validated List Buckets query.
type listQuery struct {
	nameContains string
	startAfter   string
	cursor       string
	perPage      int
	desc         bool
}

// parseListQuery validates the query; msg is non-empty for a 400 answer.
func parseListQuery(q url.Values) (lq listQuery, msg string) {
	lq.perPage = 20
	lq.nameContains = q.Get("name_contains")
	lq.startAfter = q.Get("start_after")
	if v := q.Get("per_page"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= 1 && f <= 1000) || f != math.Trunc(f) {
			return lq, "per_page must be an integer between 1 and 1000."
		}
		lq.perPage = int(f)
	}
	if v := q.Get("order"); v != "" && v != "name" {
		return lq, "order must be \"name\"."
	}
	switch q.Get("direction") {
	case "", "asc":
	case "desc":
		lq.desc = true
	default:
		return lq, "direction must be \"asc\" or \"desc\"."
	}
	if v := q.Get("cursor"); v != "" {
		name, err := decodeCursor(v)
		if err != nil {
			return lq, "Invalid cursor."
		}
		lq.cursor = name
	}
	return lq, ""
}

// encodeCursor makes the opaque cursor: the last name returned, base64.
func encodeCursor(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name))
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 {
		return "", errors.New("bad cursor")
	}
	return string(b), nil
}

type listedBucket struct {
	Name         string `json:"name"`
	CreationDate string `json:"creation_date,omitempty"`
	Location     string `json:"location,omitempty"`
	Jurisdiction string `json:"jurisdiction"`
	StorageClass string `json:"storage_class,omitempty"`
}

// listBuckets answers List Buckets: names in order, filtered, then paged.
// start_after and cursor both mean "names after this one in the requested
// direction".
func (s *Server) listBuckets(accountID, jur string, q listQuery) response {
	all := s.sortedBuckets(accountID, jur)
	if q.desc {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	after := func(name, mark string) bool {
		if mark == "" {
			return true
		}
		if q.desc {
			return name < mark
		}
		return name > mark
	}
	needle := strings.ToLower(q.nameContains)
	page := make([]listedBucket, 0, min(q.perPage, len(all)))
	more := false
	for _, b := range all {
		if !after(b.Name, q.startAfter) || !after(b.Name, q.cursor) ||
			!strings.Contains(strings.ToLower(b.Name), needle) {
			continue
		}
		if len(page) == q.perPage {
			more = true
			break
		}
		page = append(page, listedBucket{
			Name:         b.Name,
			CreationDate: b.CreationDate,
			Location:     b.Location,
			Jurisdiction: b.Jurisdiction,
			StorageClass: b.StorageClass,
		})
	}
	info := struct {
		Cursor  string `json:"cursor,omitempty"`
		PerPage int    `json:"per_page"`
	}{PerPage: q.perPage}
	if more {
		info.Cursor = encodeCursor(page[len(page)-1].Name)
	}
	result, err1 := json.Marshal(struct {
		Buckets []listedBucket `json:"buckets"`
	}{page})
	infoJSON, err2 := json.Marshal(info)
	if err := errors.Join(err1, err2); err != nil { // Cannot happen with these types.
		return errorResponse(http.StatusInternalServerError, codeInternal, err.Error())
	}
	return successRaw(string(result), `"result_info":`+string(infoJSON))
}
