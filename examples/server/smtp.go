package main

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// newSMTPNotifier configures email delivery from a URL such as
// smtp://user:password@mail.example:587?from=Shop%20<no-reply@shop.example>&tls=mandatory
// (smtps:// for implicit TLS on 465; tls may be mandatory, implicit,
// opportunistic or none; shop names the shop in the messages).
func newSMTPNotifier(raw string) (customerauth.Notifier, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("-smtp must look like smtp://user:password@host:port?from=address")
	}
	q := u.Query()
	cfg := smtpnotify.Config{Host: u.Hostname(), From: q.Get("from"), ShopName: q.Get("shop")}
	if p := u.Port(); p != "" {
		if cfg.Port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("-smtp: bad port %q", p)
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
	case "", "mandatory":
		cfg.TLSPolicy = smtpnotify.TLSMandatory
	case "implicit":
		cfg.TLSPolicy = smtpnotify.TLSImplicit
	case "opportunistic":
		cfg.TLSPolicy = smtpnotify.TLSOpportunistic
	case "none":
		cfg.TLSPolicy = smtpnotify.TLSNone
	default:
		return nil, fmt.Errorf("-smtp: tls must be mandatory, implicit, opportunistic or none, not %q", tls)
	}
	return smtpnotify.New(cfg)
}
