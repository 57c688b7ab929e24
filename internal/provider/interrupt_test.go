package provider_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// TestInterruptDuringPlan sends Ctrl-C (SIGINT) to a plan whose reads hang
// on a slow API: Terraform stops the provider, the reads' contexts end, and
// the plan returns at once instead of waiting out the request timeout. The
// bound below is far from both outcomes (about a second against twenty), so
// a busy machine cannot make it flaky.
func TestInterruptDuringPlan(t *testing.T) {
	s := fakeapi.Start()
	defer s.Close()
	s.AddToken(acctest.Token)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media", CORSRules: `[]`})
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Delay: time.Minute})
	interruptPlan(t, s, acctest.BucketCORSConfig("media"))
}

// TestInterruptDuringSweep does the same to a sweep of many buckets with
// reads in flight and more waiting for their turn: none is left running.
func TestInterruptDuringSweep(t *testing.T) {
	s := fakeapi.Start()
	defer s.Close()
	s.AddToken(acctest.Token)
	for i := range 200 {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("bucket-%03d", i), CORSRules: `[]`})
	}
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Delay: time.Minute})
	interruptPlan(t, s, acctest.BucketCORSPoliciesConfig())
}

// interruptPlan plans config with the built provider, sends SIGINT once a
// request has reached the fake, and wants the plan over well before the
// request timeout.
func interruptPlan(t *testing.T, s *fakeapi.Server, config string) {
	t.Helper()
	cli := acctest.BuiltProvider(t)
	work := t.TempDir()
	writeFile(t, filepath.Join(work, "main.tf"), acctest.ProviderConfig(s)+`
terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}
`+config)
	cmd := cli.Command(work, nil, "plan", "-no-color", "-input=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Interrupt once the read is under way.
	deadline := time.Now().Add(30 * time.Second)
	for s.RequestCount() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s.RequestCount() == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("the plan never reached the API\n%s", out.String())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		took := time.Since(sent)
		t.Logf("plan returned %s after Ctrl-C (%v)", took.Round(time.Millisecond), err)
		if !strings.Contains(out.String(), "Interrupt received") {
			t.Errorf("Terraform did not see the interrupt:\n%s", out.String())
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the plan was still running 15s after Ctrl-C (the request timeout is 20s)\n%s", out.String())
	}
}
