package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A change is blamed (and its tries counted) only for what is its own: an
// outage, a deadlock or a caller that went away counts no try.
func TestOutboxOwnFault(t *testing.T) {
	bad := json.Unmarshal([]byte("{"), new(any))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
		err  error
		own  bool
	}{
		{"not JSON", context.Background(), &rowError{id: 1, err: bad}, true},
		{"a constraint", context.Background(), &pgconn.PgError{Code: "23505"}, true},
		{"connection lost", context.Background(), fmt.Errorf("queue delivery: %w", io.ErrUnexpectedEOF), false},
		{"already unavailable", context.Background(), unavailable(context.Background(), io.EOF), false},
		{"deadlock", context.Background(), &pgconn.PgError{Code: "40P01"}, false},
		{"disk full", context.Background(), &pgconn.PgError{Code: "53100"}, false},
		{"caller gone", cancelled, errors.New("anything"), false},
	} {
		if got := ownFault(c.ctx, c.err); got != c.own {
			t.Errorf("%s: ownFault = %v, want %v", c.name, got, c.own)
		}
	}
}
