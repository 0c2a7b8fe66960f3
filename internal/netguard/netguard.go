// Package netguard keeps outbound requests (webhook deliveries) off the
// server's own network: the addresses a webhook may not reach, a dialer
// that checks the address it is about to connect to, and the check of a
// URL at creation. The API (URL checks) and the events worker (deliveries)
// both use it.
package netguard

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DeliveryTimeout bounds one delivery attempt: connecting, sending and
// reading the answer's headers and body.
const DeliveryTimeout = 10 * time.Second

// nonPublic lists the ranges a webhook may not reach unless the operator
// allows private addresses: loopback, private (RFC 1918, ULA), link-local
// (169.254.0.0/16 holds cloud metadata services), shared, reserved,
// documentation, multicast, and the IPv6 prefixes that embed an IPv4
// address (NAT64, 6to4), which could smuggle one of the others.
var nonPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16",
		"fc00::/7", "fe80::/10", "ff00::/8",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// PublicAddr reports whether ip is an address on the public internet.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// RefusedError is a delivery refused because the webhook's host resolved to
// an address that is not public.
type RefusedError struct{ Addr netip.Addr }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s is not a public address (loopback, private, link-local or reserved); "+
		"the operator can allow such addresses with --webhook-allow-private", e.Addr)
}

// NewClient returns the HTTP client that delivers webhooks. Unless
// allowPrivate, its dialer checks every address it is about to connect to,
// after DNS resolution (so a name that resolves, or re-resolves, to a
// private address is refused: no DNS rebinding), and it never uses a proxy
// from the environment, which would connect in its place. Redirects are not
// followed: a 3xx is the answer, and not a 2xx.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: DeliveryTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   DeliveryTimeout,
		ResponseHeaderTimeout: DeliveryTimeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       DeliveryTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// refusePrivate is a net.Dialer Control hook: address is the resolved
// IP and port the socket is about to connect to.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !PublicAddr(ip) {
		return &RefusedError{Addr: ip.Unmap()}
	}
	return nil
}

// CheckURL refuses, at creation, a webhook URL whose host is written as an
// address that is not public, or is localhost; a name is checked when it
// is resolved, at each delivery.
func CheckURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "must not point at a loopback, private or link-local address"
	}
	if ip, err := netip.ParseAddr(host); err == nil && !PublicAddr(ip) {
		return "must not point at a loopback, private or link-local address"
	}
	return ""
}
