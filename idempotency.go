package taskbox

import "time"

// IdempotencyTTL is how long an Idempotency-Key is remembered per account.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKeyLen is the longest Idempotency-Key accepted.
const MaxIdempotencyKeyLen = 255

// Idempotency asks a creating call to run at most once per account and key.
// The store claims the key in the same transaction as the insert, so two
// concurrent requests with one key create one object. When the key was used
// before with the same request hash, the first result is returned again and
// Replayed is set; with another hash the call fails with ECONFLICT.
type Idempotency struct {
	Key         string
	RequestHash string // identifies the request: method, path and body
	Replayed    bool   // set by the store
}
