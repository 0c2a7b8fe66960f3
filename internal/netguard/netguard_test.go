package netguard_test

import (
	"net/netip"
	"testing"

	"github.com/taskboxhq/taskbox/internal/netguard"
)

func TestPublicAddr(t *testing.T) {
	for addr, public := range map[string]bool{
		"127.0.0.1": false, "127.8.9.1": false, "10.1.2.3": false, "172.16.0.1": false, "172.31.255.255": false,
		"192.168.1.1": false, "169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "224.0.0.1": false,
		"255.255.255.255": false, "::1": false, "::": false, "fe80::1": false, "fd00::1": false, "::ffff:127.0.0.1": false,
		"::ffff:169.254.169.254": false, "64:ff9b::a9fe:a9fe": false, "2002:7f00:1::": false,
		"8.8.8.8": true, "1.1.1.1": true, "172.32.0.1": true, "2606:4700:4700::1111": true, "::ffff:8.8.8.8": true,
	} {
		if got := netguard.PublicAddr(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, public)
		}
	}
}

func TestCheckURLRefusesLiteralPrivateHosts(t *testing.T) {
	for url, refused := range map[string]bool{
		"http://127.0.0.1:9000/x": true, "http://localhost/x": true, "http://LOCALHOST./x": true, "http://api.localhost/x": true,
		"http://[::1]/x": true, "http://169.254.169.254/latest/meta-data": true, "https://10.0.0.5/hook": true,
		"https://hooks.example.com/x": false, "https://8.8.8.8/x": false,
	} {
		if got := netguard.CheckURL(url) != ""; got != refused {
			t.Errorf("CheckURL(%s) refused %v, want %v", url, got, refused)
		}
	}
}
