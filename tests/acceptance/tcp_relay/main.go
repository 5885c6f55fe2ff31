// tcp-relay forwards TCP connections on :2375 to the Docker engine's unix socket.
//
// The tests run it in a container on the engine's bridge network: to the plugin, an engine
// reached at the container's address is an engine on another machine (it cannot bind that
// address), which is how a remote DOCKER_HOST looks. It logs one line per connection.
package main

import (
	"io"
	"log"
	"net"
)

func main() {
	listener, err := net.Listen("tcp", ":2375")
	if err != nil {
		log.Fatal(err)
	}
	for {
		client, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go relay(client)
	}
}

func relay(client net.Conn) {
	defer client.Close()
	engine, err := net.Dial("unix", "/var/run/docker.sock")
	if err != nil {
		log.Printf("engine: %v", err)
		return
	}
	defer engine.Close()
	log.Printf("connection from %s", client.RemoteAddr())
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(engine, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, engine); done <- struct{}{} }()
	<-done
}
