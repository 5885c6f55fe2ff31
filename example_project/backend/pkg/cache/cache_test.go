package cache

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/example/bookmark-sync/backend/pkg/cache/cachetest"
)

func TestPingAnswersPong(t *testing.T) {
	srv := cachetest.Start(t)
	if err := New(srv.Addr, "").Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestPingAuthenticatesFirst(t *testing.T) {
	srv := cachetest.Start(t, cachetest.WithPassword("s3cret"))
	if err := New(srv.Addr, "s3cret").Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestPingWithAWrongPasswordSaysSoWithoutThePassword(t *testing.T) {
	srv := cachetest.Start(t, cachetest.WithPassword("s3cret"))
	err := New(srv.Addr, "not-it").Ping(context.Background())
	want := fmt.Sprintf("cache at %s: AUTH: WRONGPASS invalid username-password pair or user is disabled.", srv.Addr)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestPingWithoutAPasswordWhereOneIsNeeded(t *testing.T) {
	srv := cachetest.Start(t, cachetest.WithPassword("s3cret"))
	err := New(srv.Addr, "").Ping(context.Background())
	want := fmt.Sprintf("cache at %s: PING: NOAUTH Authentication required.", srv.Addr)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestPingRefusedNamesTheAddress(t *testing.T) {
	srv := cachetest.Start(t)
	srv.Close() // the port now refuses
	err := New(srv.Addr, "").Ping(context.Background())
	want := fmt.Sprintf("cache at %s: dial tcp %s: connect: connection refused", srv.Addr, srv.Addr)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestPingGivesUpOnAServerThatNeverAnswers(t *testing.T) {
	srv := cachetest.Start(t, cachetest.Silent())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := New(srv.Addr, "").Ping(ctx)
	want := fmt.Sprintf("cache at %s: no answer: context deadline exceeded", srv.Addr)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s, the deadline was 300ms", took)
	}
}

func TestPingNeverShowsThePassword(t *testing.T) {
	for _, opts := range [][]cachetest.Option{nil, {cachetest.Silent()}, {cachetest.WithPassword("other")}} {
		srv := cachetest.Start(t, opts...)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := New(srv.Addr, "hunter2-secret").Ping(ctx)
		cancel()
		if err == nil || strings.Contains(err.Error(), "hunter2-secret") {
			t.Errorf("err = %v", err)
		}
	}
}
