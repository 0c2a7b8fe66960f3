package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// An unsubscribe link works without signing in: its token is the member's
// id and an HMAC-SHA256 of it under the server secret every server of the
// database shares (store.DB.MailKey).

// UnsubscribeToken is the token of a member's unsubscribe link.
func UnsubscribeToken(key []byte, memberID int64) string {
	id := strconv.FormatInt(memberID, 10)
	return id + "." + sign(key, id)
}

// ParseUnsubscribeToken returns the member of a token the key signed.
func ParseUnsubscribeToken(key []byte, token string) (int64, bool) {
	id, sig, ok := strings.Cut(token, ".")
	if !ok || len(key) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, false
	}
	if !hmac.Equal([]byte(sig), []byte(sign(key, id))) {
		return 0, false
	}
	return n, true
}

func sign(key []byte, id string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("taskbox-unsubscribe:" + id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}
