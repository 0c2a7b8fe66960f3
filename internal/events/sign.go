package events

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Signature is the X-Taskbox-Signature header of a delivery sent at unix
// time t: "t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". The time is
// inside the signed text, so a receiver can refuse old replays.
func Signature(secret string, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
