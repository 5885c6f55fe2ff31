package main

import (
	"bytes"
	"context"
	"errors"
	"log"
	"strings"
	"testing"
	"time"
)

func TestWaitForStorageRetriesThenSucceeds(t *testing.T) {
	var buf bytes.Buffer
	calls := 0
	err := waitForStorage(context.Background(), log.New(&buf, "", 0), func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("connection refused")
		}
		return nil
	}, 10*time.Second)
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if calls != 3 {
		t.Errorf("calls = %d, want 3", calls)
	}
	if n := strings.Count(buf.String(), "storage not ready"); n != 2 {
		t.Errorf("logged %d failures, want 2:\n%s", n, buf.String())
	}
}

func TestWaitForStorageGivesUp(t *testing.T) {
	var buf bytes.Buffer
	start := time.Now()
	err := waitForStorage(context.Background(), log.New(&buf, "", 0), func(context.Context) error {
		return errors.New("no such host")
	}, 1200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, bound was 1.2s", d)
	}
}

func TestWaitForStorageStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := waitForStorage(ctx, log.New(&bytes.Buffer{}, "", 0), func(context.Context) error {
		calls++
		cancel()
		return errors.New("down")
	}, time.Minute)
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v calls = %d", err, calls)
	}
}
