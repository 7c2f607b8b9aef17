package customerauth

import (
	"net/url"
	"strings"
)

// linkPath is the path segment of activation and reset URLs.
func linkPath(kind TokenKind) string {
	if kind == TokenActivation {
		return "activate"
	}
	return "reset"
}

// linkURL builds the activation or reset URL the customer receives by email.
func (s *Service) linkURL(kind TokenKind, customerID, secret string) string {
	return s.shopURL + "/account/" + linkPath(kind) + "/" + url.PathEscape(customerID) + "/" + url.PathEscape(secret)
}

// parseLinkURL extracts the customer ID and token from an activation or
// reset URL. Only the path counts: storefronts often serve the link from a
// domain of their own.
func parseLinkURL(kind TokenKind, raw string) (customerID, secret string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Path == "" {
		return "", "", false
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	// Accept locale or other prefixes before "account": only the last four
	// segments are ours.
	if len(segs) < 4 {
		return "", "", false
	}
	segs = segs[len(segs)-4:]
	if segs[0] != "account" || segs[1] != linkPath(kind) || segs[2] == "" || segs[3] == "" {
		return "", "", false
	}
	return segs[2], segs[3], true
}
