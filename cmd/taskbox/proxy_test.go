package main

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tcpProxy stands between taskbox and PostgreSQL, so that a test can take
// the database away without stopping the machine's shared server. cut
// closes every connection and refuses new ones, as a stopped server does;
// hang keeps connections open but passes no byte on, as a network that
// drops packets does; restore forwards again, on the same address.
type tcpProxy struct {
	Addr   string // 127.0.0.1:PORT, the same for the proxy's whole life
	target string

	mu     sync.Mutex
	ln     net.Listener  // nil while cut
	resume chan struct{} // non-nil while hung; closed when the hang ends
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// startProxy forwards a new port on 127.0.0.1 to target until the test ends.
func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{Addr: ln.Addr().String(), target: target, conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(p.close)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // cut or closed
			}
			if !p.track(c) {
				c.Close()
				continue
			}
			p.wg.Add(1)
			go p.forward(c)
		}
	}()
}

// forward connects a client to the target and copies both ways.
func (p *tcpProxy) forward(client net.Conn) {
	defer p.wg.Done()
	p.gate() // a connection made during a hang gets no answer until it ends
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil || !p.track(server) {
		client.Close()
		if server != nil {
			server.Close()
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go p.pump(&wg, server, client)
	go p.pump(&wg, client, server)
	wg.Wait()
	p.untrack(client, server)
}

// pump copies src to dst, holding every read while the proxy hangs, and
// closes both ends when either fails.
func (p *tcpProxy) pump(wg *sync.WaitGroup, dst, src net.Conn) {
	defer wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil {
			src.Close()
			dst.Close()
			return
		}
	}
}

// gate waits while the proxy hangs.
func (p *tcpProxy) gate() {
	p.mu.Lock()
	ch := p.resume
	p.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

func (p *tcpProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.ln == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *tcpProxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
	}
}

// cut stops the database: every connection is closed, new ones are refused.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutLocked()
}

func (p *tcpProxy) cutLocked() {
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
	p.endHangLocked()
}

// hang silences the network: connections stay open and new ones are
// accepted, but nothing passes in either direction.
func (p *tcpProxy) hang() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.resume == nil {
		p.resume = make(chan struct{})
	}
}

func (p *tcpProxy) endHangLocked() {
	if p.resume != nil {
		close(p.resume)
		p.resume = nil
	}
}

// restore brings the database back on the same address.
func (p *tcpProxy) restore(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endHangLocked()
	if p.ln != nil {
		return
	}
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.Addr); err == nil {
			p.serve(ln)
			return
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			break
		}
	}
	t.Fatalf("proxy: listen again on %s: %v", p.Addr, err)
}

func (p *tcpProxy) close() {
	p.mu.Lock()
	p.closed = true
	p.cutLocked()
	p.mu.Unlock()
	p.wg.Wait()
}
