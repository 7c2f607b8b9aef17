package customerauth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP decides who the client is. The peer address counts, unless it
// is a trusted proxy: then the nearest X-Forwarded-For entry that is not a
// trusted proxy does. With a private storefront token, the storefront
// server names the buyer in Shopify-Storefront-Buyer-IP.
func (e *endpoint) clientIP(r *http.Request, g *grants) string {
	if g != nil && g.private {
		if ip, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("Shopify-Storefront-Buyer-IP"))); err == nil {
			return ip.Unmap().String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	peer = peer.Unmap()
	if !e.trustedProxy(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a forged or broken entry: trust nothing further left
		}
		ip = ip.Unmap()
		if !e.trustedProxy(ip) {
			return ip.String()
		}
		peer = ip
	}
	return peer.String()
}

func (e *endpoint) trustedProxy(ip netip.Addr) bool {
	for _, p := range e.trustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
