package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) LookupFunc {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func base() map[string]string {
	return map[string]string{
		"STORAGE_ENDPOINT":   "minio:9000",
		"STORAGE_ACCESS_KEY": "access",
		"STORAGE_SECRET_KEY": "secret",
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(base()))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Port != "8080" || cfg.Addr() != ":8080" {
		t.Errorf("port = %q addr = %q, want 8080 / :8080", cfg.Port, cfg.Addr())
	}
	want := StorageConfig{Endpoint: "minio:9000", AccessKey: "access", SecretKey: "secret", Bucket: "bookmarks"}
	if cfg.Storage != want {
		t.Errorf("storage = %+v, want %+v", cfg.Storage, want)
	}
	if cfg.StartupTimeout != 30*time.Second {
		t.Errorf("startup timeout = %v, want 30s", cfg.StartupTimeout)
	}
}

func TestLoadOverrides(t *testing.T) {
	m := base()
	m["PORT"] = "9090"
	m["STORAGE_BUCKET"] = "other"
	m["STORAGE_USE_SSL"] = "true"
	m["STORAGE_STARTUP_TIMEOUT"] = "2s"
	cfg, err := Load(env(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Addr() != ":9090" || cfg.Storage.Bucket != "other" || !cfg.Storage.UseSSL || cfg.StartupTimeout != 2*time.Second {
		t.Errorf("unexpected config %+v", cfg)
	}
}

func TestLoadMissingRequired(t *testing.T) {
	for _, key := range []string{"STORAGE_ENDPOINT", "STORAGE_ACCESS_KEY", "STORAGE_SECRET_KEY"} {
		t.Run(key, func(t *testing.T) {
			m := base()
			delete(m, key)
			_, err := Load(env(m))
			if err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("err = %v, want one naming %s", err, key)
			}
			m[key] = "   "
			if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("blank value: err = %v, want one naming %s", err, key)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	cases := map[string]string{
		"PORT":                    "http",
		"STORAGE_USE_SSL":         "maybe",
		"STORAGE_STARTUP_TIMEOUT": "soon",
		"STORAGE_ENDPOINT":        "http://minio:9000",
	}
	for key, val := range cases {
		t.Run(key, func(t *testing.T) {
			m := base()
			m[key] = val
			_, err := Load(env(m))
			if err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("err = %v, want one naming %s", err, key)
			}
		})
	}
	m := base()
	m["PORT"] = "70000"
	if _, err := Load(env(m)); err == nil {
		t.Fatal("PORT=70000 accepted")
	}
}

func TestNoCacheWithoutCacheAddr(t *testing.T) {
	cfg, err := Load(env(base()))
	if err != nil || cfg.Cache != (CacheConfig{}) {
		t.Fatalf("cache = %+v, err = %v; want none", cfg.Cache, err)
	}
}

func TestLoadCache(t *testing.T) {
	m := base()
	m["CACHE_ADDR"] = "redis:6379"
	m["CACHE_PASSWORD"] = "pw"
	cfg, err := Load(env(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if want := (CacheConfig{Addr: "redis:6379", Password: "pw"}); cfg.Cache != want {
		t.Errorf("cache = %+v, want %+v", cfg.Cache, want)
	}
}

func TestLoadRejectsACacheAddrThatIsNotHostPort(t *testing.T) {
	for _, addr := range []string{"redis", "redis:", ":6379", "redis:port", "redis:70000", "redis://redis:6379"} {
		t.Run(addr, func(t *testing.T) {
			m := base()
			m["CACHE_ADDR"] = addr
			_, err := Load(env(m))
			want := fmt.Sprintf("CACHE_ADDR must be host:port such as redis:6379, got %q", addr)
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v, want %s", err, want)
			}
		})
	}
}

func TestLoadRejectsACachePasswordWithoutCacheAddr(t *testing.T) {
	m := base()
	m["CACHE_PASSWORD"] = "pw"
	_, err := Load(env(m))
	want := "CACHE_PASSWORD is set but CACHE_ADDR is not: set CACHE_ADDR to the cache's host:port, or unset CACHE_PASSWORD"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}
