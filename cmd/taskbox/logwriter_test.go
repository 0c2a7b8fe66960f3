package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Buffered log lines reach the output within logFlushEvery, and every line
// is written by Close, however many were buffered.
func TestLogWriter(t *testing.T) {
	var out syncBuffer
	l := newLogWriter(&out)
	fmt.Fprintln(l, "first line")
	deadline := time.Now().Add(logFlushEvery + time.Second)
	for !strings.Contains(out.String(), "first line") {
		if time.Now().After(deadline) {
			t.Fatalf("a log line is not written within %s", logFlushEvery)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := range 5000 {
		fmt.Fprintf(l, "line %d\n", i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != 5001 {
		t.Errorf("%d lines written after Close, want 5001", got)
	}
}
