package smtpnotify

import (
	"fmt"
	"net/url"
	"strconv"
)

// ParseURL reads a Config from a URL of the form
//
//	smtp://user:password@mail.example:587?from=Shop%20<no-reply@shop.example>&tls=starttls&shop=Shop
//
// the way command-line tools take one flag for the mail server. smtps://
// means implicit TLS (port 465 by default). The tls parameter is starttls
// (or its other name, mandatory: the default for smtp://), implicit,
// opportunistic or none; from is the sender and shop the shop's name in
// the messages. Errors never repeat the URL, which may hold a password.
func ParseURL(raw string) (Config, error) {
	const form = "smtp://user:password@host:port?from=address&tls=starttls"
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return Config{}, fmt.Errorf("smtpnotify: the mail server URL must look like %s", form)
	}
	q := u.Query()
	cfg := Config{Host: u.Hostname(), From: q.Get("from"), ShopName: q.Get("shop")}
	if p := u.Port(); p != "" {
		if cfg.Port, err = strconv.Atoi(p); err != nil || cfg.Port <= 0 || cfg.Port > 65535 {
			return Config{}, fmt.Errorf("smtpnotify: bad port %q in the mail server URL", p)
		}
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	tls := q.Get("tls")
	if tls == "" && u.Scheme == "smtps" {
		tls = "implicit"
	}
	switch tls {
	case "", "starttls", "mandatory":
		cfg.TLSPolicy = TLSMandatory
	case "implicit":
		cfg.TLSPolicy = TLSImplicit
	case "opportunistic":
		cfg.TLSPolicy = TLSOpportunistic
	case "none":
		cfg.TLSPolicy = TLSNone
	default:
		return Config{}, fmt.Errorf("smtpnotify: tls must be starttls, implicit, opportunistic or none, not %q", tls)
	}
	if u.Scheme == "smtps" && cfg.TLSPolicy != TLSImplicit {
		return Config{}, fmt.Errorf("smtpnotify: smtps:// always uses implicit TLS; use smtp:// for tls=%s", tls)
	}
	return cfg, nil
}
