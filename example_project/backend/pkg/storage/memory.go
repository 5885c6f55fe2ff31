package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Memory is an in-process stand-in for Client, for tests and local runs.
// Objects are kept JSON-encoded so that callers see the same round-trip
// behaviour as with a real bucket.
type Memory struct {
	mu      sync.RWMutex
	objects map[string][]byte
	pingErr error
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{objects: map[string][]byte{}} }

// SetPingError makes Ping fail with err (nil restores health).
func (m *Memory) SetPingError(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pingErr = err
}

// Ping reports the error set with SetPingError, or the context's error.
func (m *Memory) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.pingErr
}

// PutJSON stores v, encoded as JSON, under key.
func (m *Memory) PutJSON(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = data
	return nil
}

// GetJSON decodes the object under key into v, or returns ErrNotFound.
func (m *Memory) GetJSON(ctx context.Context, key string, v any) error {
	m.mu.RLock()
	data, ok := m.objects[key]
	m.mu.RUnlock()
	if !ok {
		return fmt.Errorf("get %q: %w", key, ErrNotFound)
	}
	return json.Unmarshal(data, v)
}

// List returns the sorted keys that start with prefix.
func (m *Memory) List(ctx context.Context, prefix string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var keys []string
	for k := range m.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// Delete removes the object under key, or returns ErrNotFound.
func (m *Memory) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[key]; !ok {
		return fmt.Errorf("delete %q: %w", key, ErrNotFound)
	}
	delete(m.objects, key)
	return nil
}

// Len reports how many objects are stored.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.objects)
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
