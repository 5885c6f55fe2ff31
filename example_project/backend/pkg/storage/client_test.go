package storage

import (
	"context"
	"errors"
	"testing"
)

func TestNewClientValidates(t *testing.T) {
	if _, err := NewClient(Config{Bucket: "b"}); err == nil {
		t.Error("empty endpoint accepted")
	}
	if _, err := NewClient(Config{Endpoint: "localhost:9000"}); err == nil {
		t.Error("empty bucket accepted")
	}
	c, err := NewClient(Config{Endpoint: "localhost:9000", AccessKey: "a", SecretKey: "s", Bucket: "bookmarks"})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if c.Bucket() != "bookmarks" {
		t.Errorf("Bucket() = %q", c.Bucket())
	}
}

func TestPingUnreachable(t *testing.T) {
	// Port 1 on loopback: nothing listens there, so the dial is refused
	// at once without leaving the machine.
	c, err := NewClient(Config{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "s", Bucket: "bookmarks"})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded against nothing")
	}
}

func TestMemoryRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	type doc struct{ A int }
	if err := m.PutJSON(ctx, "p/1.json", doc{1}); err != nil {
		t.Fatal(err)
	}
	if err := m.PutJSON(ctx, "q/2.json", doc{2}); err != nil {
		t.Fatal(err)
	}
	var got doc
	if err := m.GetJSON(ctx, "p/1.json", &got); err != nil || got.A != 1 {
		t.Fatalf("GetJSON = %+v, %v", got, err)
	}
	keys, _ := m.List(ctx, "p/")
	if len(keys) != 1 || keys[0] != "p/1.json" {
		t.Fatalf("List = %v", keys)
	}
	if err := m.Delete(ctx, "p/1.json"); err != nil {
		t.Fatal(err)
	}
	if err := m.GetJSON(ctx, "p/1.json", &got); !IsNotFound(err) {
		t.Fatalf("GetJSON after delete: %v", err)
	}
	if err := m.Delete(ctx, "p/1.json"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	m.SetPingError(errors.New("down"))
	if err := m.Ping(ctx); err == nil {
		t.Fatal("Ping ignored SetPingError")
	}
}
