// Package api serves the bookmark HTTP API.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/example/bookmark-sync/backend/pkg/storage"
)

// Store is the part of the object store the handlers need. *storage.Client
// implements it against MinIO, *storage.Memory in memory.
type Store interface {
	Ping(ctx context.Context) error
	PutJSON(ctx context.Context, key string, v any) error
	GetJSON(ctx context.Context, key string, v any) error
	List(ctx context.Context, prefix string) ([]string, error)
	Delete(ctx context.Context, key string) error
}

var (
	_ Store = (*storage.Client)(nil)
	_ Store = (*storage.Memory)(nil)
)

// Bookmark is one saved link, stored as bookmarks/<id>.json.
type Bookmark struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Tags      []string  `json:"tags"`
	CreatedAt time.Time `json:"created_at"`
}

const (
	keyPrefix    = "bookmarks/"
	keySuffix    = ".json"
	maxBodyBytes = 64 << 10
	maxTags      = 32
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Server holds the handler dependencies.
type Server struct {
	store  Store
	checks []func(context.Context) error
	logger *log.Logger
	now    func() time.Time
	newID  func() (string, error)
}

// Option customises a Server.
type Option func(*Server)

// WithLogger sets the logger used for request and error logs.
func WithLogger(l *log.Logger) Option { return func(s *Server) { s.logger = l } }

// WithHealthCheck adds check to what /health asks after the store, e.g. a
// cache's Ping; its error is the reason /health reports.
func WithHealthCheck(check func(context.Context) error) Option {
	return func(s *Server) { s.checks = append(s.checks, check) }
}

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithIDGenerator replaces the random id generator (tests).
func WithIDGenerator(f func() (string, error)) Option { return func(s *Server) { s.newID = f } }

// New builds a Server on store.
func New(store Store, opts ...Option) *Server {
	s := &Server{
		store:  store,
		logger: log.New(io.Discard, "", 0),
		now:    time.Now,
		newID:  randomID,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handler returns the routed HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", s.health)
	mux.HandleFunc("POST /bookmarks", s.createBookmark)
	mux.HandleFunc("GET /bookmarks", s.listBookmarks)
	mux.HandleFunc("GET /bookmarks/{id}", s.getBookmark)
	mux.HandleFunc("DELETE /bookmarks/{id}", s.deleteBookmark)
	return s.logRequests(mux)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	for _, check := range append([]func(context.Context) error{s.store.Ping}, s.checks...) {
		if err := check(r.Context()); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable",
				"error":  err.Error(),
			})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type createRequest struct {
	URL   string   `json:"url"`
	Title string   `json:"title"`
	Tags  []string `json:"tags"`
}

func (s *Server) createBookmark(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := validate(&req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := s.newID()
	if err != nil {
		s.fail(w, "generate id", err)
		return
	}
	b := Bookmark{
		ID:        id,
		URL:       req.URL,
		Title:     req.Title,
		Tags:      req.Tags,
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	if err := s.store.PutJSON(r.Context(), key(id), b); err != nil {
		s.fail(w, "store bookmark", err)
		return
	}
	w.Header().Set("Location", "/bookmarks/"+id)
	writeJSON(w, http.StatusCreated, b)
}

func (s *Server) getBookmark(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "invalid bookmark id")
		return
	}
	var b Bookmark
	if err := s.store.GetJSON(r.Context(), key(id), &b); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			writeError(w, http.StatusNotFound, "bookmark not found")
			return
		}
		s.fail(w, "load bookmark", err)
		return
	}
	writeJSON(w, http.StatusOK, normalize(b))
}

func (s *Server) listBookmarks(w http.ResponseWriter, r *http.Request) {
	keys, err := s.store.List(r.Context(), keyPrefix)
	if err != nil {
		s.fail(w, "list bookmarks", err)
		return
	}
	out := make([]Bookmark, 0, len(keys))
	for _, k := range keys {
		if !strings.HasSuffix(k, keySuffix) {
			continue
		}
		var b Bookmark
		if err := s.store.GetJSON(r.Context(), k, &b); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				continue // deleted between list and get
			}
			s.fail(w, "load bookmark", err)
			return
		}
		out = append(out, normalize(b))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteBookmark(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "invalid bookmark id")
		return
	}
	if err := s.store.Delete(r.Context(), key(id)); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			writeError(w, http.StatusNotFound, "bookmark not found")
			return
		}
		s.fail(w, "delete bookmark", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func key(id string) string { return keyPrefix + id + keySuffix }

func normalize(b Bookmark) Bookmark {
	if b.Tags == nil {
		b.Tags = []string{}
	}
	return b
}

func validate(req *createRequest) error {
	req.URL = strings.TrimSpace(req.URL)
	req.Title = strings.TrimSpace(req.Title)
	if req.URL == "" {
		return errors.New("url is required")
	}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("url must be an absolute http or https URL")
	}
	if len(req.Tags) > maxTags {
		return fmt.Errorf("at most %d tags are allowed", maxTags)
	}
	tags := make([]string, 0, len(req.Tags))
	for _, t := range req.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	req.Tags = tags
	return nil
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("request body larger than %d bytes", maxBodyBytes)
		}
		if errors.Is(err, io.EOF) {
			return errors.New("request body is empty")
		}
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("invalid JSON: trailing data after object")
	}
	return nil
}

func (s *Server) fail(w http.ResponseWriter, what string, err error) {
	s.logger.Printf("error: %s: %v", what, err)
	writeError(w, http.StatusInternalServerError, what+" failed")
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.logger.Printf("%s %s %d %s", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Microsecond))
	})
}
