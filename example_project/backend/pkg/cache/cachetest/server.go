// Package cachetest runs a minimal RESP server on 127.0.0.1 for tests:
// it answers AUTH and PING the way Redis does.
package cachetest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Server is a fake Redis on a loopback port.
type Server struct {
	Addr     string
	password string
	ln       net.Listener
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	silent   bool
}

// Option changes how a Server behaves.
type Option func(*Server)

// WithPassword makes the server require AUTH with password.
func WithPassword(password string) Option { return func(s *Server) { s.password = password } }

// Silent makes the server accept connections and never answer.
func Silent() Option { return func(s *Server) { s.silent = true } }

// Start listens on 127.0.0.1 and serves until the test ends or Close.
func Start(t *testing.T, opts ...Option) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Close stops listening and drops every connection: the port then refuses.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(conn)
	}
}

func (s *Server) serve(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		conn.Close()
	}()
	if s.silent {
		_, _ = io.Copy(io.Discard, conn)
		return
	}
	in := bufio.NewReader(conn)
	authed := s.password == ""
	for {
		args, err := readCommand(in)
		if err != nil {
			return
		}
		var reply string
		switch strings.ToUpper(args[0]) {
		case "AUTH":
			switch {
			case s.password == "":
				reply = "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
			case len(args) == 2 && args[1] == s.password:
				authed, reply = true, "+OK"
			default:
				reply = "-WRONGPASS invalid username-password pair or user is disabled."
			}
		case "PING":
			if authed {
				reply = "+PONG"
			} else {
				reply = "-NOAUTH Authentication required."
			}
		default:
			reply = fmt.Sprintf("-ERR unknown command '%s'", args[0])
		}
		if _, err := io.WriteString(conn, reply+"\r\n"); err != nil {
			return
		}
	}
}

// readCommand reads one RESP array of bulk strings.
func readCommand(in *bufio.Reader) ([]string, error) {
	n, err := readLength(in, '*')
	if err != nil || n < 1 {
		return nil, fmt.Errorf("bad command header: %v", err)
	}
	args := make([]string, n)
	for i := range args {
		size, err := readLength(in, '$')
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(in, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}

func readLength(in *bufio.Reader, prefix byte) (int, error) {
	line, err := in.ReadString('\n')
	if err != nil {
		return 0, err
	}
	line = strings.TrimRight(line, "\r\n")
	if len(line) < 2 || line[0] != prefix {
		return 0, fmt.Errorf("want %q line, got %q", prefix, line)
	}
	return strconv.Atoi(line[1:])
}
