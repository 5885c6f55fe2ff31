// Package config reads the service configuration from the environment.
package config

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults applied when the corresponding variable is unset or empty.
const (
	DefaultPort           = "8080"
	DefaultBucket         = "bookmarks"
	DefaultStartupTimeout = 30 * time.Second
)

// StorageConfig describes how to reach the S3-compatible object store.
type StorageConfig struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
}

// CacheConfig says where the optional Redis cache is; an empty Addr means
// the service runs without one.
type CacheConfig struct {
	Addr     string // host:port (CACHE_ADDR)
	Password string // CACHE_PASSWORD, sent with AUTH when set
}

// Config is the complete service configuration.
type Config struct {
	Port    string
	Storage StorageConfig
	Cache   CacheConfig
	// StartupTimeout bounds how long the service waits for the object store,
	// and then for the cache, to become reachable at startup
	// (STORAGE_STARTUP_TIMEOUT, e.g. "30s").
	StartupTimeout time.Duration
}

// Addr is the listen address derived from Port, e.g. ":8080".
func (c Config) Addr() string { return ":" + c.Port }

// LookupFunc has the signature of os.LookupEnv; tests pass a map-backed one.
type LookupFunc func(key string) (string, bool)

// FromEnv reads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

// Load reads the configuration through lookup. Every error names the
// variable at fault.
func Load(lookup LookupFunc) (Config, error) {
	get := func(key string) string {
		v, _ := lookup(key)
		return strings.TrimSpace(v)
	}

	cfg := Config{
		Port:           DefaultPort,
		StartupTimeout: DefaultStartupTimeout,
		Storage: StorageConfig{
			Bucket: DefaultBucket,
		},
	}

	if v := get("PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("PORT must be a port number between 1 and 65535, got %q", v)
		}
		cfg.Port = strconv.Itoa(n)
	}

	required := []struct {
		key string
		dst *string
	}{
		{"STORAGE_ENDPOINT", &cfg.Storage.Endpoint},
		{"STORAGE_ACCESS_KEY", &cfg.Storage.AccessKey},
		{"STORAGE_SECRET_KEY", &cfg.Storage.SecretKey},
	}
	for _, r := range required {
		v := get(r.key)
		if v == "" {
			return Config{}, fmt.Errorf("%s is required but not set", r.key)
		}
		*r.dst = v
	}
	if strings.Contains(cfg.Storage.Endpoint, "://") || strings.Contains(cfg.Storage.Endpoint, "/") {
		return Config{}, fmt.Errorf("STORAGE_ENDPOINT must be host:port without scheme or path, got %q", cfg.Storage.Endpoint)
	}

	if v := get("STORAGE_BUCKET"); v != "" {
		cfg.Storage.Bucket = v
	}

	if v := get("STORAGE_USE_SSL"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("STORAGE_USE_SSL must be a boolean (true/false), got %q", v)
		}
		cfg.Storage.UseSSL = b
	}

	if v := get("STORAGE_STARTUP_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("STORAGE_STARTUP_TIMEOUT must be a positive duration such as 30s, got %q", v)
		}
		cfg.StartupTimeout = d
	}

	cfg.Cache = CacheConfig{Addr: get("CACHE_ADDR"), Password: get("CACHE_PASSWORD")}
	if cfg.Cache.Addr != "" {
		host, port, err := net.SplitHostPort(cfg.Cache.Addr)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("CACHE_ADDR must be host:port such as redis:6379, got %q", cfg.Cache.Addr)
		}
	} else if cfg.Cache.Password != "" {
		return Config{}, fmt.Errorf("CACHE_PASSWORD is set but CACHE_ADDR is not: set CACHE_ADDR to the cache's host:port, or unset CACHE_PASSWORD")
	}

	return cfg, nil
}
