// Command fakeapi runs the fake Cloudflare R2 API on loopback, for the demo
// and for running the provider without a Cloudflare account. -h explains
// the seed file; examples/demo/seed.json is the demo's.
//
// Usage:
//
//	fakeapi [-listen 127.0.0.1:0] [-seed FILE] [-latency 0s] [-url-file FILE] [-quiet]
//	    [-quota N [-window 5m] [-other N] [-no-ratelimit-headers]]
//
// Once listening it prints the base URL and the credentials it accepts, and
// writes the base URL (e.g. http://127.0.0.1:41234/client/v4) to -url-file,
// atomically, so that a script can wait for the file to appear. It stops on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fakeapi:", err)
		}
		stop()
		os.Exit(exitCode(err))
	}
}

// exitCode is 0 for -h, which is an answer and not a failure (go run would
// otherwise end the help with "exit status 2"), and 2 for any error.
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// run is main without the process: it serves until ctx is done.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakeapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback `address` to listen on")
	seed := fs.String("seed", "", "JSON seed `file` with tokens, accounts and buckets")
	latency := fs.Duration("latency", 0, "delay added to every request")
	urlFile := fs.String("url-file", "", "write the base URL to this `file` once listening")
	quiet := fs.Bool("quiet", false, "do not log requests")
	var budget fakeapi.Budget
	fs.IntVar(&budget.Quota, "quota", 0, "the user's API budget: requests per -window, shared with -other (0: no budget, no Ratelimit headers)")
	fs.DurationVar(&budget.Window, "window", 5*time.Minute, "the budget's window, whole seconds (Cloudflare's is 5m; scale it down to run a long scenario fast)")
	fs.IntVar(&budget.OtherPerWindow, "other", 0, "requests another client of the same user spends per window, evenly (with -quota)")
	fs.BoolVar(&budget.NoHeaders, "no-ratelimit-headers", false, "leave the Ratelimit headers out, as a proxy that strips them would (with -quota)")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if err := fakeapi.CheckLoopback(*listen); err != nil {
		return err
	}
	if err := budget.Validate(); err != nil {
		return fmt.Errorf("-quota, -window, -other: %w", err)
	}
	if *urlFile != "" {
		// A URL left by an earlier run must not be mistaken for ours.
		if err := os.Remove(*urlFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}

	srv, err := fakeapi.StartOn(*listen)
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.SetLatency(*latency)
	if err := srv.SetBudget(budget); err != nil {
		return err
	}
	if !*quiet {
		srv.OnRequest(func(r fakeapi.Request) {
			fmt.Fprintf(stderr, "%s %s %s %d\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.Path, r.Status)
		})
	}
	if *seed != "" {
		f, err := os.Open(*seed)
		if err != nil {
			return err
		}
		err = srv.LoadSeed(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *seed, err)
		}
	} else {
		// Without a seed, still accept a token, so that a first try is not
		// a wall of 401s; the banner below says which.
		srv.AddToken(defaultToken)
		srv.AddAccount(fakeapi.ExampleAccountID)
	}
	if *urlFile != "" {
		if err := writeAtomic(*urlFile, srv.URL()); err != nil {
			return err
		}
		defer func() { _ = os.Remove(*urlFile) }()
	}
	fmt.Fprintln(stderr, "fakeapi: listening on", srv.URL())
	if *seed != "" {
		fmt.Fprintf(stderr, "fakeapi: serving the tokens, accounts and buckets of %s\n", *seed)
	} else {
		fmt.Fprintf(stderr, "fakeapi: no -seed: serving account %s with no buckets; API token %q is accepted\n",
			fakeapi.ExampleAccountID, defaultToken)
		fmt.Fprintln(stderr, "fakeapi: for the demo's buckets, start it with -seed examples/demo/seed.json (token \"demo-token\"); see -h")
	}
	if budget.Quota > 0 {
		fmt.Fprintf(stderr, "fakeapi: the user's budget is %d requests per %s; another client spends %d of them per window\n",
			budget.Quota, budget.Window, budget.OtherPerWindow)
	}
	fmt.Fprintf(stderr, "fakeapi: point the provider at it with CLOUDFLARE_BASE_URL=%s\n", srv.URL())
	fmt.Fprintf(stderr, "fakeapi: R2's S3 API is served too, at the endpoint template %s "+
		"(S3 credentials: each token's id from Verify Token, and the SHA-256 of the token)\n", srv.S3EndpointTemplate())

	<-ctx.Done()
	fmt.Fprintln(stderr, "fakeapi: shutting down")
	return nil
}

// defaultToken is the API token the fake accepts when started without -seed.
const defaultToken = "fake-token"

func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, `fakeapi serves a fake of Cloudflare's R2 API (Get Bucket CORS Policy, List Buckets,
Verify Token, and S3's Get Bucket CORS) on loopback, for running the r2 provider without
a Cloudflare account.

Usage: fakeapi [flags]

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprintf(out, `
The seed file (-seed) describes what the fake serves, as JSON:

  {
    "tokens":      [{"token": "demo-token", "accounts": []}],
    "global_keys": [{"email": "me@example.com", "key": "...", "accounts": []}],
    "accounts": {
      "<32 hex account id>": {
        "not_entitled_jurisdictions": ["fedramp"],
        "buckets": [
          {"name": "assets", "jurisdiction": "eu", "location": "weur",
           "storage_class": "Standard", "creation_date": "2026-01-02T03:04:05.000Z",
           "cors_rules": [{"id": "reads", "allowed": {"methods": ["GET"], "origins": ["*"], "headers": ["range"]},
                           "exposeHeaders": ["etag"], "maxAgeSeconds": 3600}]}
        ]
      }
    }
  }

A token or key with empty "accounts" may read every account.
"not_entitled_jurisdictions": jurisdictions the account may not use: a request in one
  of them is answered 403 (code 10042), as R2 answers FedRAMP without a contract.
"jurisdiction": default, eu, fedramp or us (left out: default). Bucket names follow
  R2's rule: 3 to 64 lowercase letters, digits and hyphens, starting and ending with
  a letter or digit.
"cors_rules" are served as written, so they are camelCase as the API sends them
  ("exposeHeaders", "maxAgeSeconds"), while the seed's own members are snake_case;
  leave them out for a bucket without a CORS policy. "cors_result", rarely needed, is
  a raw result object served instead (an answer that breaks the schema on purpose).
An unknown member, a value of the wrong type or a name R2 would refuse is an error
that names its path, e.g. accounts["..."].buckets[0].cors_rules[0]: unknown member
"max_age_seconds". examples/demo/seed.json is the seed make demo uses.

Without -seed the fake serves account %s with no buckets and accepts the
API token %q.

The user's API budget (-quota): Cloudflare allows 1200 requests per five minutes per user,
shared by the dashboard and every token and tool of that user. With -quota the fake counts
every request against a fixed window of -window, together with -other requests per window
that another client of the user spends evenly; every answer carries what is left:

  Ratelimit: "default";r=<remaining>;t=<seconds until the window resets>
  Ratelimit-Policy: "default";q=<quota>;w=<window seconds>

Once the quota is spent, by the provider or the other client, the user is locked out:
every request is answered 429 (code 971) with a Retry-After until the window ends.
-no-ratelimit-headers leaves the headers out (an older API, or a proxy that strips them).
A scaled-down window runs a long scenario fast, since the provider reads the window from
the headers: -quota 1200 -window 5s -other 300 is a five-minute budget in five seconds.

Try it (from the repository root):

  go run ./internal/fakeapi/cmd/fakeapi -listen 127.0.0.1:8787 -seed examples/demo/seed.json
  eval "$(make -s dev-provider)"   # in another shell: Terraform uses the local build, offline
  CLOUDFLARE_BASE_URL=http://127.0.0.1:8787/client/v4 CLOUDFLARE_API_TOKEN=demo-token terraform plan

README.md's "Try a local build by hand" has the whole recipe.
`, fakeapi.ExampleAccountID, defaultToken)
}

// writeAtomic writes content to a temporary file beside path and renames
// it, so that a reader never sees a partial URL.
func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakeapi-url-*")
	if err != nil {
		return err
	}
	_, werr := tmp.WriteString(content)
	merr := tmp.Chmod(0o644)
	cerr := tmp.Close()
	if err := errors.Join(werr, merr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}
