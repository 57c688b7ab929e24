package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/bench/trivial"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/localprovider"
)

// Identities the fake serves to the benchmark.
const (
	AccountID = fakeapi.ExampleAccountID
	Token     = "bench-token-0123456789"
)

// CORSRules is the policy every benchmark bucket has: two rules, as a site
// with an app and direct uploads would set.
const CORSRules = `[{"id":"app","allowed":{"methods":["GET","HEAD"],` +
	`"origins":["https://app.example.com","https://www.example.com"],"headers":["content-type","authorization"]},` +
	`"exposeHeaders":["ETag","Content-Length"],"maxAgeSeconds":3600},` +
	`{"id":"uploads","allowed":{"methods":["PUT","POST"],"origins":["https://app.example.com"],` +
	`"headers":["content-type","x-amz-meta-*"]},"maxAgeSeconds":600}]`

// BucketName is the name of the i-th benchmark bucket; the configurations
// compute the same names with format("bucket-%04d", i).
func BucketName(i int) string { return fmt.Sprintf("bucket-%04d", i) }

// Kind says which provider a plan uses.
type Kind string

// The two kinds of plan: ours reads the fake; trivial is the floor.
const (
	KindR2      Kind = "r2"
	KindTrivial Kind = "trivial"
)

// Options configure a Harness.
type Options struct {
	Repo        string // The repository root, the provider's module.
	Terraform   string // The Terraform CLI.
	Latency     time.Duration
	Parallelism int // Terraform's -parallelism.
	Buckets     int // How many buckets the fake serves.
	// ProfileDir, when set, builds the r2 provider from cmd/profiled-provider,
	// which writes its CPU and allocation profiles there.
	ProfileDir string
	// Env is added to the clean environment of Terraform, and so of the
	// providers it starts (KEY=VALUE), for experiments.
	Env []string
	// SweepSizes are the accounts the fake serves for r2_bucket_cors_policies
	// (sweep.go): one per size, with that many buckets in default plus
	// SweepEUBuckets in eu.
	SweepSizes []int
	// S3Sizes are more sweep accounts, for the S3 reader's rows (s3.go).
	S3Sizes []int
}

// Harness owns the binaries, the fake and the working directory.
type Harness struct {
	opts Options
	work string
	bin  string // Holds both provider binaries.
	rc   string // The CLI configuration that serves them.
	env  []string
	fake *fakeapi.Server

	mu    sync.Mutex
	times []time.Time // When each request was answered, this plan.
	// onRequest, when set, also sees each request (a storm's trigger).
	onRequest func(fakeapi.Request)
}

// New creates the working directory under tmp ("" for the default).
func New(tmp string, opts Options) (*Harness, error) {
	work, err := os.MkdirTemp(tmp, "r2-bench-")
	if err != nil {
		return nil, err
	}
	return &Harness{opts: opts, work: work, bin: filepath.Join(work, "bin")}, nil
}

// Close stops the fake and removes the working directory.
func (h *Harness) Close() {
	if h.fake != nil {
		h.fake.Close()
	}
	_ = os.RemoveAll(h.work)
}

// ProviderBinary is the path of the built r2 provider.
func (h *Harness) ProviderBinary() string { return filepath.Join(h.bin, localprovider.R2.Binary()) }

// TrivialBinary is the path of the built trivial provider.
func (h *Harness) TrivialBinary() string { return filepath.Join(h.bin, "terraform-provider-trivial") }

func (h *Harness) binary(k Kind) string {
	if k == KindTrivial {
		return h.TrivialBinary()
	}
	return h.ProviderBinary()
}

// Module is the directory of the benchmark's Go module, relative to the
// repository root: a module of its own, so that its chart libraries stay out
// of the provider's.
const Module = "internal/bench"

// Build compiles both providers and writes the CLI configuration that serves
// them (internal/localprovider). The r2 provider is built in its own module,
// as `make build` builds it; the trivial and the profiled provider in the
// benchmark's.
func (h *Harness) Build(ctx context.Context) error {
	r2 := localprovider.R2
	if h.opts.ProfileDir != "" {
		r2.Package, r2.Module = "./cmd/profiled-provider", Module
	}
	trivialProvider := localprovider.Provider{
		Address: trivial.Address, Package: "./trivial/cmd/terraform-provider-trivial", Module: Module,
	}
	rc, err := localprovider.Install(ctx, h.opts.Repo, h.work, r2, trivialProvider)
	h.rc = rc
	return err
}

// Setup starts the fake with the benchmark's buckets and the environment of
// Terraform. Plans use the builds through dev_overrides, without `init`.
func (h *Harness) Setup() error {
	h.fake = fakeapi.Start()
	h.fake.AddToken(Token)
	h.fake.AddAccount(AccountID)
	for i := range h.opts.Buckets {
		h.fake.AddBucket(AccountID, fakeapi.Bucket{Name: BucketName(i), CORSRules: CORSRules})
	}
	h.addSweepAccounts()
	h.fake.OnRequest(func(r fakeapi.Request) {
		now := time.Now()
		h.mu.Lock()
		h.times = append(h.times, now)
		f := h.onRequest
		h.mu.Unlock()
		if f != nil {
			f(r)
		}
	})
	h.fake.SetLatency(h.opts.Latency)

	// A clean environment: nothing of the caller's Terraform, Cloudflare or
	// provider settings may change what is measured.
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "CLOUDFLARE_") || strings.HasPrefix(k, "R2_") ||
			k == "CHECKPOINT_DISABLE" {
			continue
		}
		h.env = append(h.env, kv)
	}
	h.env = append(h.env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+h.rc)
	if h.opts.ProfileDir != "" {
		h.env = append(h.env, "R2_BENCH_PROFILE_DIR="+h.opts.ProfileDir)
	}
	h.env = append(h.env, h.opts.Env...)
	return nil
}

// Fake is the running fake API.
func (h *Harness) Fake() *fakeapi.Server { return h.fake }

// ConfigDir writes, once, the configuration of a plan of n data sources of
// kind k and returns its directory.
func (h *Harness) ConfigDir(k Kind, n int) (string, error) {
	dir := filepath.Join(h.work, fmt.Sprintf("%s-%d", k, n))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	forEach := fmt.Sprintf(`toset([for i in range(%d) : format("bucket-%%04d", i)])`, n)
	var cfg string
	switch k {
	case KindR2:
		cfg = fmt.Sprintf(`terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}

provider "r2" {
  base_url  = %q
  api_token = %q
}

data "r2_bucket_cors" "b" {
  for_each    = %s
  account_id  = %q
  bucket_name = each.key
}
`, h.fake.URL(), Token, forEach, AccountID)
	case KindTrivial:
		cfg = fmt.Sprintf(`terraform {
  required_providers {
    trivial = { source = "r2tf/trivial" }
  }
}

data "trivial_constant" "b" {
  for_each    = %s
  account_id  = %q
  bucket_name = each.key
}
`, forEach, AccountID)
	default:
		return "", fmt.Errorf("unknown kind %q", k)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600)
}

// Sample is what one plan measured.
type Sample struct {
	Wall     time.Duration
	PeakRSS  int64 // Bytes; the largest of the provider processes.
	Procs    int   // Provider processes Terraform started.
	Requests int
	Conns    int
	// Distinct counts the distinct request paths; fewer than Requests
	// means a bucket was read more than once.
	Distinct int
	// Phases, from the fake's request times: Startup is the plan's start
	// to the first request's arrival, Reads the first arrival to the last
	// answer, Tail the last answer to the plan's end.
	Startup, Reads, Tail time.Duration
	// MaxInFlight is the most requests the fake served at once.
	MaxInFlight int
	// Refused counts the requests the fake answered 429 (a storm).
	Refused int
}

// Plan runs `terraform plan` on the configuration of kind k with n data
// sources and measures it.
func (h *Harness) Plan(ctx context.Context, k Kind, n int) (Sample, error) {
	dir, err := h.ConfigDir(k, n)
	if err != nil {
		return Sample{}, err
	}
	s, out, err := h.run(ctx, dir, h.binary(k))
	if err != nil {
		return Sample{}, fmt.Errorf("terraform plan (%s, N=%d): %w\n%s", k, n, err, out)
	}
	if !strings.Contains(out, "No changes.") {
		return Sample{}, fmt.Errorf("terraform plan (%s, N=%d) did not report \"No changes.\":\n%s", k, n, out)
	}
	if s.Refused > 0 {
		return Sample{}, fmt.Errorf("the fake refused %d requests: the benchmark is not measuring reads", s.Refused)
	}
	if k == KindR2 && s.Requests < n {
		return Sample{}, fmt.Errorf("plan of %d data sources sent only %d requests", n, s.Requests)
	}
	return s, nil
}

// run runs `terraform plan` in dir and measures it, whether it succeeds or
// not; the error is the plan's, with its output.
func (h *Harness) run(ctx context.Context, dir, binary string) (Sample, string, error) {
	cmd := exec.CommandContext(ctx, h.opts.Terraform, "plan", "-input=false", "-no-color", "-refresh=true",
		fmt.Sprintf("-parallelism=%d", h.opts.Parallelism))
	cmd.Dir = dir
	cmd.Env = h.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	h.fake.ResetLog()
	h.mu.Lock()
	h.times = h.times[:0]
	h.mu.Unlock()

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, "", err
	}
	w := startProcWatch(cmd.Process.Pid, binary, 10*time.Millisecond)
	err := cmd.Wait()
	wall := time.Since(start)
	rss, procs := w.finish()
	s := Sample{Wall: wall, PeakRSS: rss, Procs: procs, Requests: h.fake.RequestCount(), Conns: h.fake.ConnectionsOpened()}
	paths := map[string]bool{}
	for _, r := range h.fake.Requests() {
		switch r.Status {
		case 200:
		case 429:
			s.Refused++
		default:
			return Sample{}, out.String(), fmt.Errorf("the fake answered %s %s with %d: the benchmark is not measuring reads",
				r.Method, r.Path, r.Status)
		}
		paths[r.Path] = true
	}
	s.Distinct = len(paths)
	h.mu.Lock()
	times := slices.Clone(h.times)
	h.mu.Unlock()
	s.phases(start, start.Add(wall), times, h.opts.Latency)
	return s, out.String(), err
}

// phases fills the phase fields from the answer times. A request arrives a
// latency before its answer: the fake sleeps first, then answers at once.
func (s *Sample) phases(start, end time.Time, answered []time.Time, latency time.Duration) {
	if len(answered) == 0 {
		return
	}
	slices.SortFunc(answered, func(a, b time.Time) int { return a.Compare(b) })
	first, last := answered[0].Add(-latency), answered[len(answered)-1]
	s.Startup, s.Reads, s.Tail = first.Sub(start), last.Sub(first), end.Sub(last)
	// In flight: +1 at arrival, -1 at answer; answers first on ties.
	type event struct {
		t time.Time
		d int
	}
	ev := make([]event, 0, 2*len(answered))
	for _, t := range answered {
		ev = append(ev, event{t.Add(-latency), 1}, event{t, -1})
	}
	slices.SortFunc(ev, func(a, b event) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return a.d - b.d
	})
	cur := 0
	for _, e := range ev {
		cur += e.d
		s.MaxInFlight = max(s.MaxInFlight, cur)
	}
}

// Schema times `terraform providers schema -json` for a provider kind and
// checks, on the first run, that the output is the provider's schema.
func (h *Harness) Schema(ctx context.Context, k Kind, check bool) (time.Duration, error) {
	dir, err := h.ConfigDir(k, 1)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, h.opts.Terraform, "providers", "schema", "-json")
	cmd.Dir = dir
	cmd.Env = h.env
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("terraform providers schema -json (%s): %w\n%s", k, err, stderr.String())
	}
	if check {
		var schema struct {
			ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
		}
		addr := localprovider.R2.Address
		if k == KindTrivial {
			addr = trivial.Address
		}
		if err := json.Unmarshal(out.Bytes(), &schema); err != nil || schema.ProviderSchemas[addr] == nil {
			return 0, errors.New("terraform providers schema -json did not return the schema of " + addr)
		}
	}
	return wall, nil
}
