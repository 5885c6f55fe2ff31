package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/example/bookmark-sync/backend/pkg/cache"
	"github.com/example/bookmark-sync/backend/pkg/cache/cachetest"
	"github.com/example/bookmark-sync/backend/pkg/storage"
)

type fixture struct {
	store *storage.Memory
	srv   *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mem := storage.NewMemory()
	n := 0
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(mem,
		WithIDGenerator(func() (string, error) { n++; return fmt.Sprintf("id%d", n), nil }),
		WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }),
	)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &fixture{store: mem, srv: srv}
}

func (f *fixture) do(t *testing.T, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func TestHealth(t *testing.T) {
	f := newFixture(t)
	resp, body := f.do(t, http.MethodGet, "/health", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.StatusCode, body)
	}
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil || got["status"] != "ok" || len(got) != 1 {
		t.Fatalf("body = %s (%v)", body, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}

	f.store.SetPingError(errors.New("dial tcp minio:9000: connection refused"))
	resp, body = f.do(t, http.MethodGet, "/health", "")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", resp.StatusCode)
	}
	if !strings.Contains(string(body), "connection refused") {
		t.Errorf("503 body does not carry the reason: %s", body)
	}
}

func TestHealthReportsACacheThatStopsAnswering(t *testing.T) {
	redis := cachetest.Start(t)
	srv := httptest.NewServer(New(storage.NewMemory(), WithHealthCheck(cache.New(redis.Addr, "").Ping)).Handler())
	t.Cleanup(srv.Close)
	get := func() (int, string) {
		resp, err := srv.Client().Get(srv.URL + "/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get(); code != http.StatusOK || body != "{\"status\":\"ok\"}\n" {
		t.Fatalf("with the cache up: %d %s", code, body)
	}
	redis.Close()
	reason := fmt.Sprintf("cache at %s: dial tcp %s: connect: connection refused", redis.Addr, redis.Addr)
	want := fmt.Sprintf("{\"error\":%q,\"status\":\"unavailable\"}\n", reason)
	if code, body := get(); code != http.StatusServiceUnavailable || body != want {
		t.Fatalf("with the cache down: %d %s, want 503 %s", code, body, want)
	}
}

func TestBookmarkLifecycle(t *testing.T) {
	f := newFixture(t)

	resp, body := f.do(t, http.MethodPost, "/bookmarks",
		`{"url":"https://go.dev/doc/","title":" Go docs ","tags":["go"," docs ",""]}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: status %d body %s", resp.StatusCode, body)
	}
	var created Bookmark
	if err := json.Unmarshal(body, &created); err != nil {
		t.Fatal(err)
	}
	if created.ID != "id1" || created.URL != "https://go.dev/doc/" || created.Title != "Go docs" {
		t.Errorf("created = %+v", created)
	}
	if strings.Join(created.Tags, ",") != "go,docs" {
		t.Errorf("tags = %q", created.Tags)
	}
	if created.CreatedAt.IsZero() {
		t.Error("created_at not set")
	}
	if loc := resp.Header.Get("Location"); loc != "/bookmarks/id1" {
		t.Errorf("Location = %q", loc)
	}
	// The raw JSON carries exactly the documented fields.
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	for _, k := range []string{"id", "url", "title", "tags", "created_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("field %q missing from %s", k, body)
		}
	}
	// Stored where the layout says.
	var stored Bookmark
	if err := f.store.GetJSON(context.Background(), "bookmarks/id1.json", &stored); err != nil {
		t.Fatalf("object not at bookmarks/id1.json: %v", err)
	}

	resp, body = f.do(t, http.MethodPost, "/bookmarks", `{"url":"http://example.com"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("second create: %d %s", resp.StatusCode, body)
	}
	var second Bookmark
	_ = json.Unmarshal(body, &second)
	if second.Tags == nil || len(second.Tags) != 0 {
		t.Errorf("tags of untagged bookmark = %#v, want []", second.Tags)
	}

	resp, body = f.do(t, http.MethodGet, "/bookmarks/id1", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("get: %d %s", resp.StatusCode, body)
	}
	var got Bookmark
	_ = json.Unmarshal(body, &got)
	if got.ID != created.ID || !got.CreatedAt.Equal(created.CreatedAt) {
		t.Errorf("got %+v, want %+v", got, created)
	}

	resp, body = f.do(t, http.MethodGet, "/bookmarks", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	var list []Bookmark
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "id1" || list[1].ID != "id2" {
		t.Fatalf("list = %+v", list)
	}

	resp, _ = f.do(t, http.MethodDelete, "/bookmarks/id1", "")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	resp, _ = f.do(t, http.MethodGet, "/bookmarks/id1", "")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("get after delete: %d", resp.StatusCode)
	}
	resp, _ = f.do(t, http.MethodDelete, "/bookmarks/id1", "")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("second delete: %d", resp.StatusCode)
	}
	if f.store.Len() != 1 {
		t.Errorf("store holds %d objects, want 1", f.store.Len())
	}
}

func TestListEmptyIsArray(t *testing.T) {
	f := newFixture(t)
	resp, body := f.do(t, http.MethodGet, "/bookmarks", "")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
}

func TestCreateValidation(t *testing.T) {
	cases := map[string]string{
		"bad json":      `{"url":`,
		"not an object": `["https://go.dev"]`,
		"empty body":    ``,
		"missing url":   `{"title":"x"}`,
		"blank url":     `{"url":"   "}`,
		"relative url":  `{"url":"/just/a/path"}`,
		"ftp url":       `{"url":"ftp://example.com/file"}`,
		"trailing data": `{"url":"https://go.dev"} {"url":"https://go.dev"}`,
		"wrong type":    `{"url":"https://go.dev","tags":"go"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.do(t, http.MethodPost, "/bookmarks", body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d body %s, want 400", resp.StatusCode, out)
			}
			var e map[string]string
			if err := json.Unmarshal(out, &e); err != nil || e["error"] == "" {
				t.Errorf("error body = %s", out)
			}
			if f.store.Len() != 0 {
				t.Error("invalid request stored something")
			}
		})
	}
}

func TestBadIDAndMethods(t *testing.T) {
	f := newFixture(t)
	if resp, _ := f.do(t, http.MethodGet, "/bookmarks/bad.id", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET bad id: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodGet, "/bookmarks/missing", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET missing: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodPut, "/bookmarks/x", `{}`); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodGet, "/nope", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

type brokenStore struct{ *storage.Memory }

func (*brokenStore) PutJSON(context.Context, string, any) error {
	return errors.New("storage exploded")
}
func (*brokenStore) List(context.Context, string) ([]string, error) {
	return nil, errors.New("storage exploded")
}

func TestStorageErrorsAre500(t *testing.T) {
	srv := httptest.NewServer(New(&brokenStore{storage.NewMemory()}).Handler())
	defer srv.Close()
	f := &fixture{srv: srv}
	resp, body := f.do(t, http.MethodPost, "/bookmarks", `{"url":"https://go.dev"}`)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("create: %d", resp.StatusCode)
	}
	if strings.Contains(string(body), "exploded") {
		t.Errorf("internal error leaked to client: %s", body)
	}
	if resp, _ := f.do(t, http.MethodGet, "/bookmarks", ""); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("list: %d", resp.StatusCode)
	}
}
