package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushEvery is how long a log line may wait in memory before it is
// written out.
const logFlushEvery = 100 * time.Millisecond

// logWriter buffers the server's log lines and writes them out every
// logFlushEvery, when 64 KiB have gathered, and at Close. An access-log
// line per request written straight to stderr costs every request a
// write(2) under the handler's lock; buffered, a burst of requests shares
// a few writes. Close, which serve defers, writes whatever is left, so a
// clean exit loses no line; a SIGKILL loses at most logFlushEvery of them.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushLoop()
	return l
}

// Write buffers one line (slog handlers write each record whole).
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logWriter) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.flush()
		case <-l.stop:
			return
		}
	}
}

func (l *logWriter) flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the flushing and writes out what is buffered.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return l.flush()
}
