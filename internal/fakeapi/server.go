// Package fakeapi is a fake of the part of Cloudflare's v4 API that the R2
// provider uses: Get/Put/Delete Bucket CORS Policy, List Buckets and
// Verify Token (tokens.go), and of R2's S3-compatible API, Get Bucket CORS
// signed with SigV4, over the same buckets (s3.go).
//
// It exists so that acceptance tests, the demo and benchmarks can run
// without network access or a Cloudflare account. It listens on loopback
// only, answers in Cloudflare's v4 envelope with the error codes Cloudflare
// uses, and can inject faults (error statuses, delays, resets, truncated
// or slow bodies) to exercise the provider's error handling and retries,
// and hostile answers that stay valid under Cloudflare's schema (a list
// whose cursor never ends, an error message full of terminal escapes, a
// policy holding any number as written) to check what they cannot do.
package fakeapi

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BasePath is the path prefix of every API route, as on api.cloudflare.com.
const BasePath = "/client/v4"

// ExampleAccountID is the account ID of Cloudflare's API reference examples:
// the account the tests, the benchmark and the demo seed use.
const ExampleAccountID = "023e105f4ecef8ad9ca31a8372d0c353"

// Server is a running fake API. All its methods are safe for concurrent use,
// including while requests are being served.
type Server struct {
	hs   *httptest.Server
	done chan struct{} // Closed by Close so that sleeping handlers return.

	closeOnce sync.Once

	mu       sync.RWMutex // Guards accounts, tokens and keys.
	accounts map[string]*account
	tokens   map[string]credential
	keys     map[globalKey]credential
	s3keys   map[string]s3Key // By access key ID (s3.go).

	faultMu sync.Mutex // Guards faults.
	faults  []*faultState

	logMu   sync.Mutex // Guards log and onReq.
	log     []Request
	onReq   func(Request)
	latency atomic.Int64 // A time.Duration.
	conns   atomic.Int64
	endless atomic.Int64 // Pages answered by EndlessCursor faults.
	// stormUntil is when RateLimitFor's 429s end, in Unix nanoseconds.
	stormUntil atomic.Int64
	budget     budgetState // SetBudget
	s3         s3Counters  // S3Stats
}

// Request is one request as the fake saw it, kept so that tests can check
// what the provider sent (headers, query) and what it was answered.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	// Header is a clone of the request headers.
	Header http.Header
	// Status is the HTTP status answered, or 0 when the connection was
	// reset or abandoned without an answer.
	Status int
}

// Start starts a fake on a free port of 127.0.0.1 (or [::1] when the host
// has no IPv4 loopback).
//
// It panics when no loopback port can be bound, like httptest.NewServer,
// because tests can do nothing useful without a server.
func Start() *Server {
	s, err := StartOn("127.0.0.1:0")
	if err != nil {
		var err6 error
		if s, err6 = StartOn("[::1]:0"); err6 != nil {
			panic(fmt.Sprintf("fakeapi: cannot listen on loopback: %v; %v", err, err6))
		}
	}
	return s
}

// StartOn starts a fake listening on addr, which must be a loopback address
// such as "127.0.0.1:8787", "[::1]:0" or "localhost:0".
//
// Anything else is refused: the fake accepts any registered token and must
// never be reachable from another machine.
func StartOn(addr string) (*Server, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	// Checked again after binding, in case a name resolved to something
	// that is not loopback.
	if ta, ok := ln.Addr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%s is not a loopback address", ln.Addr())
	}
	s := newServer()
	s.hs = &httptest.Server{
		Listener: ln,
		Config: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 30 * time.Second,
			ConnState: func(_ net.Conn, st http.ConnState) {
				if st == http.StateNew {
					s.conns.Add(1)
				}
			},
		},
	}
	s.hs.Start()
	return s, nil
}

// CheckLoopback returns an error unless addr is a host:port whose host is a
// loopback IP address or "localhost". An empty host is refused because it
// means every interface.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: only loopback addresses are allowed", addr)
}

func newServer() *Server {
	return &Server{
		done:     make(chan struct{}),
		accounts: make(map[string]*account),
		tokens:   make(map[string]credential),
		keys:     make(map[globalKey]credential),
		s3keys:   make(map[string]s3Key),
	}
}

// URL returns the base URL clients use, including BasePath, e.g.
// "http://127.0.0.1:41234/client/v4".
func (s *Server) URL() string {
	return s.hs.URL + BasePath
}

// Addr returns the host:port the fake listens on.
func (s *Server) Addr() string {
	return s.hs.Listener.Addr().String()
}

// Close stops the server and waits for the requests being served. Delayed
// or slow answers are cut short so that Close never hangs. It is safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.hs.Close()
	})
}

// SetLatency sets a delay added to every request before it is answered, to
// make benchmarks resemble a remote API.
func (s *Server) SetLatency(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.latency.Store(int64(d))
}

// OnRequest registers f to be called with each request once its answer is
// decided (Status set). The standalone command uses it to log requests.
// f runs on the request's goroutine and must be safe for concurrent use;
// nil removes it.
func (s *Server) OnRequest(f func(Request)) {
	s.logMu.Lock()
	s.onReq = f
	s.logMu.Unlock()
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ListRequests returns the logged List Buckets requests, oldest first.
func (s *Server) ListRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/r2/buckets") {
			out = append(out, r)
		}
	}
	return out
}

// RequestCount returns the number of requests logged since the last
// ResetLog.
func (s *Server) RequestCount() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return len(s.log)
}

// ConnectionsOpened returns how many TCP connections clients have opened,
// so that tests can check that the provider reuses connections.
func (s *Server) ConnectionsOpened() int {
	return int(s.conns.Load())
}

// ResetLog empties the request log, the connection count and the S3
// counts (S3Stats).
func (s *Server) ResetLog() {
	s.logMu.Lock()
	s.log = nil
	s.logMu.Unlock()
	s.conns.Store(0)
	s.s3.requests.Store(0)
	s.s3.reads.Store(0)
	s.s3.denied.Store(0)
}

// record appends r to the log. It runs before the answer is written so that
// a client that has its answer always finds its request in the log.
func (s *Server) record(r Request) {
	s.logMu.Lock()
	s.log = append(s.log, r)
	f := s.onReq
	s.logMu.Unlock()
	if f != nil {
		f(r)
	}
}

// errClosed reports that a wait ended because the server or the request
// went away.
var errClosed = errors.New("fakeapi: request abandoned")

// sleep waits for d unless the request is cancelled or the server closes.
func (s *Server) sleep(r *http.Request, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.Context().Done():
		return errClosed
	case <-s.done:
		return errClosed
	}
}
