// Command api runs the bookmark-sync HTTP backend.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/example/bookmark-sync/backend/pkg/api"
	"github.com/example/bookmark-sync/backend/pkg/cache"
	"github.com/example/bookmark-sync/backend/pkg/config"
	"github.com/example/bookmark-sync/backend/pkg/storage"
)

const (
	shutdownTimeout   = 10 * time.Second
	attemptTimeout    = 5 * time.Second
	minAttemptTimeout = time.Second
	initialBackoff    = 500 * time.Millisecond
	maxBackoff        = 4 * time.Second
)

func main() {
	logger := log.New(os.Stderr, "", log.LstdFlags|log.LUTC)
	os.Exit(run(logger))
}

func run(logger *log.Logger) int {
	cfg, err := config.FromEnv()
	if err != nil {
		logger.Printf("configuration error: %v", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	store, err := storage.NewClient(storage.Config(cfg.Storage))
	if err != nil {
		logger.Printf("configuration error: %v", err)
		return 2
	}

	scheme := "http"
	if cfg.Storage.UseSSL {
		scheme = "https"
	}
	logger.Printf("connecting to storage at %s://%s (bucket %q, waiting up to %s)",
		scheme, cfg.Storage.Endpoint, cfg.Storage.Bucket, cfg.StartupTimeout)
	if err := waitFor(ctx, logger, "storage", store.EnsureBucketExists, cfg.StartupTimeout); err != nil {
		if ctx.Err() != nil {
			logger.Printf("shutdown requested before storage became ready")
			return 0
		}
		logger.Printf("fatal: storage at %s not reachable: %v", cfg.Storage.Endpoint, err)
		return 1
	}
	logger.Printf("bucket %q ready", cfg.Storage.Bucket)

	opts := []api.Option{api.WithLogger(logger)}
	if cfg.Cache.Addr != "" {
		c := cache.New(cfg.Cache.Addr, cfg.Cache.Password)
		if code, ok := waitForCache(ctx, logger, c, cfg.StartupTimeout); !ok {
			return code
		}
		opts = append(opts, api.WithHealthCheck(c.Ping))
	}

	srv := &http.Server{
		Addr:              cfg.Addr(),
		Handler:           api.New(store, opts...).Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		logger.Printf("fatal: listen on %s: %v", srv.Addr, err)
		return 1
	}
	logger.Printf("listening on %s", srv.Addr)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		logger.Printf("fatal: server stopped: %v", err)
		return 1
	case <-ctx.Done():
	}
	stop() // a second signal now kills the process the default way

	logger.Printf("shutting down (waiting up to %s for in-flight requests)", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Printf("graceful shutdown incomplete: %v", err)
		return 1
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Printf("server error: %v", err)
		return 1
	}
	logger.Printf("server stopped")
	return 0
}

// waitForCache waits, within the same startup window as the object store,
// until the Redis cache at CACHE_ADDR answers PING. When it never does, it
// logs one fatal line naming CACHE_ADDR and returns the exit code and false.
func waitForCache(ctx context.Context, logger *log.Logger, c *cache.Client, timeout time.Duration) (int, bool) {
	logger.Printf("connecting to cache at %s (waiting up to %s)", c.Addr, timeout)
	if err := waitFor(ctx, logger, "cache", c.Ping, timeout); err != nil {
		if ctx.Err() != nil {
			logger.Printf("shutdown requested before the cache became ready")
			return 0, false
		}
		logger.Printf("fatal: cache not reachable (CACHE_ADDR=%s): %v", c.Addr, err)
		return 1, false
	}
	logger.Printf("cache at %s ready", c.Addr)
	return 0, true
}

// waitFor calls ensure until it succeeds, ctx ends or timeout passes,
// sleeping with capped exponential backoff between attempts and logging
// every failure as "<what> not ready".
func waitFor(ctx context.Context, logger *log.Logger, what string, ensure func(context.Context) error, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	backoff := initialBackoff
	for attempt := 1; ; attempt++ {
		// The last attempt still gets minAttemptTimeout, so the bound may be
		// overshot by at most that much but the final error stays meaningful.
		actx, cancel := context.WithTimeout(ctx, min(attemptTimeout, max(time.Until(deadline), minAttemptTimeout)))
		err := ensure(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return fmt.Errorf("gave up after %d attempts in %s: %w", attempt, timeout, err)
		}
		wait := min(backoff, remaining)
		logger.Printf("%s not ready (attempt %d): %v; retrying in %s", what, attempt, err, wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}
