package taskbox

import (
	"bytes"
	"time"
)

// TimestampLayout is how every server-set time is written: UTC, milliseconds.
const TimestampLayout = "2006-01-02T15:04:05.000Z"

// Timestamp is a time the server sets (created_at, updated_at, …). It is
// written in UTC with milliseconds: 2025-12-01T10:00:00.000Z.
type Timestamp struct{ time.Time }

// Now returns the current time as a Timestamp, to microsecond precision so
// that it survives a round trip through either database unchanged.
func Now() Timestamp { return Timestamp{time.Now().UTC().Truncate(time.Microsecond)} }

// TimestampFromMicros converts a stored microsecond count to a Timestamp.
func TimestampFromMicros(us int64) Timestamp { return Timestamp{time.UnixMicro(us).UTC()} }

// Micros is the stored form of a Timestamp.
func (t Timestamp) Micros() int64 { return t.UnixMicro() }

// String returns the wire form.
func (t Timestamp) String() string { return t.UTC().Format(TimestampLayout) }

// MarshalJSON writes the wire form.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.String() + `"`), nil
}

// UnmarshalJSON reads any RFC 3339 time.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var tt time.Time
	if err := tt.UnmarshalJSON(b); err != nil {
		return err
	}
	t.Time = tt.UTC()
	return nil
}
