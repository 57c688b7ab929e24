package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

func TestReleasingContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "logger"))
	rc := newReleasingContext(parent)

	// Like the framework: a child registered for StopProvider.
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()
	if child.Value(ctxKey{}) != "logger" {
		t.Fatal("values must be forwarded while the call runs")
	}

	rc.release()
	if rc.Value(ctxKey{}) != nil {
		t.Error("after release the context must hold nothing (the one deviation, see releasingContext)")
	}
	// The context.Context contract: Err is nil while Done is open.
	select {
	case <-rc.Done():
		t.Fatal("Done closed before the call was cancelled")
	default:
	}
	if err := rc.Err(); err != nil {
		t.Errorf("after release, with Done open, Err = %v; want nil", err)
	}

	// Cancellation of the call still reaches the child, and Err says so.
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the call's context did not reach the child")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("after the call was cancelled, Err = %v; want Canceled", rc.Err())
	}
}

// A parent that can never be cancelled: Done is nil and Err stays nil,
// before and after release.
func TestReleasingContextOfABackgroundParent(t *testing.T) {
	rc := newReleasingContext(context.Background())
	rc.release()
	if rc.Done() != nil || rc.Err() != nil {
		t.Fatalf("Done = %v, Err = %v; want nil, nil", rc.Done(), rc.Err())
	}
	if _, ok := rc.Deadline(); ok {
		t.Fatal("a background parent has no deadline")
	}
}

// Deadline answers the same before and after release, and a deadline that
// passes shows as DeadlineExceeded, as the contract asks.
func TestReleasingContextKeepsItsDeadline(t *testing.T) {
	want := time.Now().Add(20 * time.Millisecond)
	parent, cancel := context.WithDeadline(context.Background(), want)
	defer cancel()
	rc := newReleasingContext(parent)
	rc.release()
	if d, ok := rc.Deadline(); !ok || !d.Equal(want) {
		t.Fatalf("after release Deadline = %v, %v; want %v, true", d, ok, want)
	}
	<-rc.Done()
	if !errors.Is(rc.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err = %v; want DeadlineExceeded", rc.Err())
	}
}
