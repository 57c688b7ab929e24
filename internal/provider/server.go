package provider

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/r2tf/terraform-provider-r2/internal/functions"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// NewServer returns the factory of the provider server: the one main serves
// (through Serve) and the one every test and benchmark uses, so that tests
// exercise what users run. opts are for tests; the zero value is what users get.
//
// The server is the framework's protocol 6 server, with cors_review over a
// sweep answered first by functions.WithSweepReview, wrapped in
// releasingServer: the per-instance calls (reads, their validation, function
// calls) get a context that lets go of the call's own once it returns.
//
// Why: terraform-plugin-framework v1.19.0 (proto6server.registerContext)
// keeps the cancel function of every call's context until StopProvider,
// which Terraform sends only on Ctrl-C, and each one holds the call's logger
// context (about 12 KB). A plan with 1000 reads kept some 27 MB alive to the
// end. Handing the framework a small forwarding context, cut loose when the
// call returns, bounds that to a few bytes per call while cancellation
// (Ctrl-C) still reaches the read.
//
// When it can go: once the framework forgets a call's cancel function when
// the call returns. On every framework upgrade, read registerContext in its
// internal/proto6server/serve.go; if it still appends to contextCancels
// without removing, keep this.
func NewServer(version string, opts Options) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(newProvider(version, opts))
	return func() tfprotov6.ProviderServer {
		return releasingServer{functions.WithSweepReview(framework(), version)}
	}
}

type releasingServer struct {
	tfprotov6.ProviderServer
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	rc := newReleasingContext(ctx)
	defer rc.release()
	return s.ProviderServer.ReadDataSource(rc, req)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	rc := newReleasingContext(ctx)
	defer rc.release()
	return s.ProviderServer.ValidateDataResourceConfig(rc, req)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	defer tfkit.PauseGC()() // see PauseGC: the arguments decode into much short-lived garbage
	rc := newReleasingContext(ctx)
	defer rc.release()
	return s.ProviderServer.CallFunction(rc, req)
}

// releasingContext forwards to the call's context until release, then lets
// go of it. Its Done channel and deadline are the call's own, kept from the
// start, so cancellation propagates as before and Done, Err and Deadline
// keep the context.Context contract after release: Err is nil while Done is
// open, and once Done closes it is DeadlineExceeded if the deadline has
// passed, Canceled otherwise (a parent with a cause of its own cancellation
// is reported as Canceled, which the contract allows).
//
// The one deviation: after release, Value answers nil for every key. That
// is safe because release runs when the framework's call has returned: what
// still holds the context then is the child the framework registered for
// StopProvider (registerContext), kept only to be cancelled, and the
// goroutine-free propagation of the parent's cancellation to that child;
// neither reads values. The framework upgrade check above covers this too.
type releasingContext struct {
	parent      atomic.Pointer[context.Context]
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool
	// errAtRelease is the parent's Err when it was released, if any.
	errAtRelease atomic.Pointer[error]
}

func newReleasingContext(ctx context.Context) *releasingContext {
	rc := &releasingContext{done: ctx.Done()}
	rc.deadline, rc.hasDeadline = ctx.Deadline()
	rc.parent.Store(&ctx)
	return rc
}

func (c *releasingContext) release() {
	if p := c.parent.Swap(nil); p != nil {
		if err := (*p).Err(); err != nil {
			c.errAtRelease.Store(&err)
		}
	}
}

func (c *releasingContext) get() context.Context {
	if p := c.parent.Load(); p != nil {
		return *p
	}
	return nil
}

func (c *releasingContext) Deadline() (time.Time, bool) { return c.deadline, c.hasDeadline }

func (c *releasingContext) Done() <-chan struct{} { return c.done }

func (c *releasingContext) Err() error {
	if p := c.get(); p != nil {
		return p.Err()
	}
	if err := c.errAtRelease.Load(); err != nil {
		return *err
	}
	select {
	case <-c.done: // A nil channel (a parent that is never cancelled) never gets here.
		if c.hasDeadline && !time.Now().Before(c.deadline) {
			return context.DeadlineExceeded
		}
		return context.Canceled
	default:
		return nil
	}
}

func (c *releasingContext) Value(key any) any {
	if p := c.get(); p != nil {
		return p.Value(key)
	}
	return nil
}

// Serve serves the provider to Terraform, as main does.
func Serve(version string, debug bool) error {
	quietUnlessAsked()
	tfkit.SetSoftMemoryLimit()
	var serveOpts []tf6server.ServeOpt
	if debug {
		serveOpts = append(serveOpts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve("registry.terraform.io/r2tf/r2", NewServer(version, Options{}), serveOpts...)
}

// quietUnlessAsked turns the plugin libraries' logs off when Terraform was
// not asked for logs (neither TF_LOG nor TF_LOG_PROVIDER set): they default
// to trace, and Terraform then discards every line, after the provider has
// spent about a third of a read's CPU writing them. An explicit TF_LOG_SDK*
// or TF_LOG_PROVIDER_R2 still wins.
//
// When it can go: once terraform-plugin-go's logging (checked in v0.31.0,
// internal/logging) no longer defaults the SDK loggers to trace when the
// TF_LOG_SDK* variables are unset, or Terraform sets them for the providers
// it starts. make bench shows the cost if it is removed too early.
func quietUnlessAsked() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_R2"} {
		if _, set := os.LookupEnv(k); !set {
			_ = os.Setenv(k, "off")
		}
	}
}
