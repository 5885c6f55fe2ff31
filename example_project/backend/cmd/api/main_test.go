package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/example/bookmark-sync/backend/pkg/cache"
	"github.com/example/bookmark-sync/backend/pkg/cache/cachetest"
)

func TestWaitForRetriesThenSucceeds(t *testing.T) {
	var buf bytes.Buffer
	calls := 0
	err := waitFor(context.Background(), log.New(&buf, "", 0), "storage", func(context.Context) error {
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

func TestWaitForGivesUp(t *testing.T) {
	var buf bytes.Buffer
	start := time.Now()
	err := waitFor(context.Background(), log.New(&buf, "", 0), "storage", func(context.Context) error {
		return errors.New("no such host")
	}, 1200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, bound was 1.2s", d)
	}
}

func TestWaitForStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := waitFor(ctx, log.New(&bytes.Buffer{}, "", 0), "storage", func(context.Context) error {
		calls++
		cancel()
		return errors.New("down")
	}, time.Minute)
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v calls = %d", err, calls)
	}
}

func TestCacheThatNeverAnswersStopsStartupWithOneLine(t *testing.T) {
	srv := cachetest.Start(t)
	srv.Close() // refused from now on
	var buf bytes.Buffer
	code, ok := waitForCache(context.Background(), log.New(&buf, "", 0), cache.New(srv.Addr, ""), 1200*time.Millisecond)
	if code != 1 || ok {
		t.Fatalf("code = %d ok = %v, want 1 false", code, ok)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	last := lines[len(lines)-1]
	prefix := fmt.Sprintf("fatal: cache not reachable (CACHE_ADDR=%s): gave up after ", srv.Addr)
	suffix := fmt.Sprintf(" in 1.2s: cache at %s: dial tcp %s: connect: connection refused", srv.Addr, srv.Addr)
	if !strings.HasPrefix(last, prefix) || !strings.HasSuffix(last, suffix) {
		t.Errorf("last line = %q, want %q...%q", last, prefix, suffix)
	}
	if n := strings.Count(buf.String(), "fatal:"); n != 1 {
		t.Errorf("%d fatal lines, want 1:\n%s", n, buf.String())
	}
}

func TestCacheThatAnswersLetsStartupGoOn(t *testing.T) {
	srv := cachetest.Start(t, cachetest.WithPassword("pw"))
	var buf bytes.Buffer
	code, ok := waitForCache(context.Background(), log.New(&buf, "", 0), cache.New(srv.Addr, "pw"), time.Second)
	if code != 0 || !ok {
		t.Fatalf("code = %d ok = %v, want 0 true; log:\n%s", code, ok, buf.String())
	}
	want := fmt.Sprintf("connecting to cache at %s (waiting up to 1s)\ncache at %s ready\n", srv.Addr, srv.Addr)
	if buf.String() != want {
		t.Errorf("log = %q, want %q", buf.String(), want)
	}
}
