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
		t.Error("after release the context must hold nothing")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("after release Err = %v, want Canceled", rc.Err())
	}

	// Cancellation of the call still reaches the child.
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the call's context did not reach the child")
	}
}
