// Package cache checks that a Redis server answers, speaking RESP with the
// standard library only.
package cache

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// PingTimeout bounds a single Ping when the caller's context has no
// earlier deadline.
const PingTimeout = 2 * time.Second

// Client pings the Redis server at Addr, authenticating first when
// Password is set. Each Ping uses a connection of its own, so a server that
// restarts is seen as soon as it answers again.
type Client struct {
	Addr     string
	Password string
}

// New returns a client for the server at addr (host:port).
func New(addr, password string) *Client { return &Client{Addr: addr, Password: password} }

// Ping sends PING (after AUTH when a password is set) and expects +PONG,
// giving up after PingTimeout. Every error names the address; none contains
// the password.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	err := c.ping(ctx)
	if err != nil && ctx.Err() != nil {
		// Whatever the read or dial reported, the reason is the deadline
		// (or the caller's cancellation).
		err = fmt.Errorf("no answer: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("cache at %s: %w", c.Addr, err)
	}
	return nil
}

func (c *Client) ping(ctx context.Context) error {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Closing the connection unblocks a read when ctx ends.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	replies := bufio.NewReader(conn)
	if c.Password != "" {
		if err := exchange(conn, replies, "+OK", "AUTH", c.Password); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := exchange(conn, replies, "+PONG", "PING"); err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	return nil
}

// exchange sends one command as a RESP array of bulk strings and checks
// that the reply line is want.
func exchange(conn net.Conn, replies *bufio.Reader, want string, args ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return err
	}
	line, err := replies.ReadString('\n')
	if err != nil {
		return fmt.Errorf("no reply: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case line == want:
		return nil
	case strings.HasPrefix(line, "-"):
		return errors.New(strings.TrimPrefix(line, "-"))
	default:
		return fmt.Errorf("unexpected reply %q (want %q)", line, want)
	}
}
