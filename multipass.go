package customerauth

import (
	"context"
)

// CreateAccessTokenWithMultipass logs a customer in with a Multipass token
// issued by the shop's identity provider.
//
// Multipass decoding is not part of this release: every token is refused
// with INVALID_MULTIPASS_REQUEST, the answer Shopify gives for any token it
// does not accept, so clients already handle it.
func (s *Service) CreateAccessTokenWithMultipass(ctx context.Context, token string) (*AccessToken, error) {
	s.log.DebugContext(ctx, "customerauth: multipass refused", "reason", "multipass is not supported yet",
		"configured_secrets", len(s.cfg.MultipassSecrets), "request_id", RequestID(ctx))
	return nil, multipassRefused()
}

func multipassRefused() *UserError {
	return userErr(CodeInvalidMultipassRequest, "Invalid multipass request", "multipassToken")
}
