package fakeapi

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault changes how matching requests are answered, to test the client's
// handling of errors, rate limits, timeouts and broken connections.
//
// Every active fault whose PathContains matches a request applies to it, in
// the order injected, until one that decides the answer (Status, Body or
// ResetConnection): later faults do not see that request. So a Delay-only
// fault can be combined with, say, two 429 answers.
type Fault struct {
	// PathContains selects requests whose URL path contains it; "" matches
	// every request.
	PathContains string
	// Times is how many matching requests the fault hits; 0 (or less)
	// means every one until ClearFaults.
	Times int
	// Status replaces the normal answer's status; 0 keeps the normal
	// answer (e.g. a Delay-only fault). A status outside 200..999 is
	// answered as 500 because net/http cannot send it.
	Status int
	// Body is the raw body sent with Status (status 200 if Status is 0);
	// "" means Cloudflare's v4 error envelope for Status.
	Body string
	// Message, when set, replaces the message of that default envelope,
	// sent as it is: a hostile server's control characters, say.
	Message string
	// ContentType is the Content-Type of Body; "" means application/json.
	ContentType string
	// Header is added to the answer, normal or not, e.g. Retry-After.
	Header map[string]string
	// Delay is slept before answering. It ends early when the client
	// gives up or the server closes, so Close never hangs.
	Delay time.Duration
	// ResetConnection closes the TCP connection with a reset instead of
	// answering.
	ResetConnection bool
	// TruncateBodyAfter, when > 0, declares the full Content-Length but
	// closes the connection after this many body bytes.
	TruncateBodyAfter int
	// SlowBody, when > 0, writes the body in small pieces with this pause
	// between them.
	SlowBody time.Duration
	// EndlessCursor, when > 0, answers like a hostile List Buckets: a page
	// without buckets and a next-page cursor of this many bytes, new on
	// every answer, so that the list never ends. The answer is valid under
	// Cloudflare's schema.
	EndlessCursor int
}

func (f *Fault) decides() bool {
	return f.Status != 0 || f.Body != "" || f.ResetConnection || f.EndlessCursor > 0
}

type faultState struct {
	f    Fault
	left int // Remaining hits; -1 means unlimited.
}

// InjectFault adds a fault after those already injected.
func (s *Server) InjectFault(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	h := make(map[string]string, len(f.Header))
	for k, v := range f.Header {
		h[k] = v
	}
	f.Header = h
	s.faultMu.Lock()
	s.faults = append(s.faults, &faultState{f: f, left: left})
	s.faultMu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.faultMu.Unlock()
}

// plan is the combined effect of the faults that hit one request.
type plan struct {
	delay    time.Duration
	header   [][2]string
	answer   *Fault // The fault that decides the answer, if any.
	truncate int
	slow     time.Duration
}

// matchFaults consumes one hit of every fault that applies to path.
func (s *Server) matchFaults(path string) plan {
	var p plan
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	kept := s.faults[:0]
	decided := false
	for _, fs := range s.faults {
		if decided || !strings.Contains(path, fs.f.PathContains) {
			kept = append(kept, fs)
			continue
		}
		f := fs.f
		p.delay += f.Delay
		for k, v := range f.Header {
			p.header = append(p.header, [2]string{k, v})
		}
		if p.truncate == 0 {
			p.truncate = f.TruncateBodyAfter
		}
		if p.slow == 0 {
			p.slow = f.SlowBody
		}
		if f.decides() {
			p.answer = &f
			decided = true
		}
		if fs.left > 0 {
			fs.left--
		}
		if fs.left != 0 {
			kept = append(kept, fs)
		}
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return p
}

// faultResponse is the answer a deciding fault asks for.
func faultResponse(f *Fault) response {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status < 200 || status > 999 {
		return errorResponse(http.StatusInternalServerError, codeInternal,
			"fakeapi: fault status "+strconv.Itoa(f.Status)+" cannot be sent")
	}
	if f.Body == "" {
		r := defaultFaultResponse(status)
		if f.Message != "" {
			r = errorResponse(status, defaultCode(status), f.Message)
		}
		return r
	}
	return response{status: status, contentType: f.ContentType, body: []byte(f.Body)}
}

// RateLimitFor answers every request of the next d with 429 (code 971) and a
// Retry-After of the seconds left, rounded up, as Cloudflare does once a
// user is over its limit; then every request passes again.
func (s *Server) RateLimitFor(d time.Duration) {
	s.stormUntil.Store(time.Now().Add(d).UnixNano())
}

// stormRetryAfter returns the Retry-After of a request refused by
// RateLimitFor, or "" when none is under way.
func (s *Server) stormRetryAfter() string {
	left := time.Until(time.Unix(0, s.stormUntil.Load()))
	if left <= 0 {
		return ""
	}
	return strconv.FormatInt(int64((left+time.Second-1)/time.Second), 10)
}

// ServeHTTP answers one request: faults and latency first, then the API.
// The request is logged once its answer is decided and before it is
// written, so a client that has its answer finds it in the log.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
	}
	// R2's S3 API (s3.go) shares the faults and the latency, not the
	// user's REST budget.
	isS3 := strings.HasPrefix(r.URL.Path, S3BasePath+"/")
	if isS3 {
		s.s3.requests.Add(1)
	}
	p := s.matchFaults(r.URL.Path)
	if err := s.sleep(r, time.Duration(s.latency.Load())+p.delay); err != nil {
		s.record(rec)
		closeConn(w, false)
		return
	}
	if p.answer != nil && p.answer.ResetConnection {
		s.record(rec)
		closeConn(w, true)
		return
	}
	// The user's budget counts every request answered, whatever the answer.
	var budget budgetAnswer
	if !isS3 {
		budget = s.budget.admit(time.Now())
		p.header = append(p.header, budget.header...)
	}
	var resp response
	switch {
	case isS3 && p.answer != nil:
		resp = s3FaultResponse(p.answer)
	case isS3:
		resp = s.handleS3(r)
	case budget.refused:
		resp = errorResponse(http.StatusTooManyRequests, codeRateLimited, msgRateLimited)
	case s.stormRetryAfter() != "":
		resp = errorResponse(http.StatusTooManyRequests, codeRateLimited, msgRateLimited)
		p.header = append(p.header, [2]string{"Retry-After", s.stormRetryAfter()})
	case p.answer != nil && p.answer.EndlessCursor > 0:
		resp = endlessPage(p.answer.EndlessCursor, s.endless.Add(1))
	case p.answer != nil:
		resp = faultResponse(p.answer)
	default:
		resp = s.handle(r)
	}
	rec.Status = resp.status
	s.record(rec)

	h := w.Header()
	ct := resp.contentType
	if ct == "" {
		ct = "application/json"
	}
	h.Set("Content-Type", ct)
	for _, kv := range p.header {
		h.Set(kv[0], kv[1])
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	s.writeBody(w, r, resp.body, p)
}

// endlessPage is page n of a list that never ends: no buckets, and a
// cursor of size bytes that no earlier page returned.
func endlessPage(size int, n int64) response {
	cursor := strconv.FormatInt(n, 10) + "-"
	cursor += strings.Repeat("c", max(size-len(cursor), 0))
	return successRaw(`{"buckets":[]}`, `"result_info":{"cursor":"`+cursor+`","per_page":1000}`)
}

// slowPiece is the size of the pieces a SlowBody fault writes.
const slowPiece = 16

func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, body []byte, p plan) {
	rc := http.NewResponseController(w)
	if p.truncate > 0 && p.truncate < len(body) {
		body = body[:p.truncate]
	}
	if p.slow <= 0 {
		_, _ = w.Write(body)
	} else {
		for len(body) > 0 {
			n := min(slowPiece, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			_ = rc.Flush()
			body = body[n:]
			if len(body) == 0 {
				break
			}
			if s.sleep(r, p.slow) != nil {
				closeConn(w, false)
				return
			}
		}
	}
	if p.truncate > 0 {
		_ = rc.Flush()
		closeConn(w, false)
	}
}

// closeConn takes the connection from net/http and closes it, with a TCP
// reset when reset is true, so the client sees a broken connection rather
// than an answer.
func closeConn(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// net/http's own way to abort a response; it is recovered by
		// the server and closes the connection.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
