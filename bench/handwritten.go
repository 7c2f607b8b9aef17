package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/shopkit/customerauth"
)

// handWritten serves the four benchmarked documents with net/http and
// encoding/json only: it decodes the same {query, variables} body into
// typed structs, tells the operation by a substring of the query, calls the
// Service's Go API and encodes the same JSON the GraphQL handlers answer
// with. It interprets no selection set: it knows the documents. That is
// the practical limit of what a GraphQL layer can cost nothing over.
type handWritten struct {
	svc           *customerauth.Service
	addressPrefix string
}

func newHandWritten(svc *customerauth.Service) *handWritten {
	// The Service's IDNamespace is the default, "shopify".
	return &handWritten{svc: svc, addressPrefix: "gid://shopify/MailingAddress/"}
}

type hwRequest struct {
	Query         string `json:"query"`
	OperationName string `json:"operationName"`
	Variables     struct {
		CustomerAccessToken string `json:"customerAccessToken"`
		Customer            *struct {
			Email            *string `json:"email"`
			Password         *string `json:"password"`
			FirstName        *string `json:"firstName"`
			LastName         *string `json:"lastName"`
			Phone            *string `json:"phone"`
			AcceptsMarketing *bool   `json:"acceptsMarketing"`
		} `json:"customer"`
		Input *struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		} `json:"input"`
	} `json:"variables"`
}

type hwAddress struct {
	ID        string   `json:"id"`
	Formatted []string `json:"formatted"`
	FirstName *string  `json:"firstName"`
	LastName  *string  `json:"lastName"`
	Company   *string  `json:"company"`
	Address1  *string  `json:"address1"`
	Address2  *string  `json:"address2"`
	Country   *string  `json:"country"`
	Province  *string  `json:"province"`
	City      *string  `json:"city"`
	Zip       *string  `json:"zip"`
	Phone     *string  `json:"phone"`
}

type hwEdge struct {
	Node *hwAddress `json:"node"`
}

type hwCustomer struct {
	ID               string     `json:"id"`
	FirstName        *string    `json:"firstName"`
	LastName         *string    `json:"lastName"`
	Phone            *string    `json:"phone"`
	Email            *string    `json:"email"`
	DisplayName      string     `json:"displayName"`
	AcceptsMarketing bool       `json:"acceptsMarketing"`
	NumberOfOrders   string     `json:"numberOfOrders"`
	Tags             []string   `json:"tags"`
	CreatedAt        string     `json:"createdAt"`
	UpdatedAt        string     `json:"updatedAt"`
	DefaultAddress   *hwAddress `json:"defaultAddress"`
	Addresses        struct {
		Edges []hwEdge `json:"edges"`
	} `json:"addresses"`
}

type hwUpdatedCustomer struct {
	ID               string  `json:"id"`
	FirstName        *string `json:"firstName"`
	LastName         *string `json:"lastName"`
	Email            *string `json:"email"`
	Phone            *string `json:"phone"`
	AcceptsMarketing bool    `json:"acceptsMarketing"`
}

type hwToken struct {
	AccessToken string `json:"accessToken"`
	ExpiresAt   string `json:"expiresAt"`
}

type hwCustomerUserError struct {
	Code    string   `json:"code"`
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

type hwUserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

type hwError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

type hwResponse struct {
	Data   any       `json:"data"`
	Errors []hwError `json:"errors,omitempty"`
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (h *handWritten) address(a *customerauth.Address) *hwAddress {
	if a == nil {
		return nil
	}
	return &hwAddress{
		ID: h.addressPrefix + a.ID, Formatted: a.Formatted(false, true),
		FirstName: str(a.FirstName), LastName: str(a.LastName), Company: str(a.Company),
		Address1: str(a.Address1), Address2: str(a.Address2), Country: str(a.Country),
		Province: str(a.Province), City: str(a.City), Zip: str(a.Zip), Phone: str(a.Phone),
	}
}

func (h *handWritten) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var req hwRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeHW(w, http.StatusBadRequest, hwResponse{Errors: []hwError{{Message: "The request body is not a valid GraphQL JSON request.", Extensions: map[string]string{"code": "BAD_REQUEST"}}}})
		return
	}
	ctx := r.Context()
	q, v := req.Query, &req.Variables
	switch {
	case strings.Contains(q, "customerAccessTokenCreate("):
		if v.Input == nil {
			h.badRequest(w)
			return
		}
		t, err := h.svc.CreateAccessToken(ctx, v.Input.Email, v.Input.Password)
		if err != nil {
			h.mutationError(w, "customerAccessTokenCreate", "CustomerAccessTokenCreate", "input", err, false)
			return
		}
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{"customerAccessTokenCreate": struct {
			CustomerUserErrors  []hwCustomerUserError `json:"customerUserErrors"`
			CustomerAccessToken *hwToken              `json:"customerAccessToken"`
		}{[]hwCustomerUserError{}, &hwToken{t.Token, dateTime(t.ExpiresAt)}}}})
	case strings.Contains(q, "customerAccessTokenRenew("):
		t, err := h.svc.RenewAccessToken(ctx, v.CustomerAccessToken)
		if err != nil {
			h.mutationError(w, "customerAccessTokenRenew", "CustomerAccessTokenRenew", "", err, true)
			return
		}
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{"customerAccessTokenRenew": struct {
			CustomerAccessToken *hwToken      `json:"customerAccessToken"`
			UserErrors          []hwUserError `json:"userErrors"`
		}{&hwToken{t.Token, dateTime(t.ExpiresAt)}, []hwUserError{}}}})
	case strings.Contains(q, "customerUpdate("):
		if v.Customer == nil {
			h.badRequest(w)
			return
		}
		in := v.Customer
		c, t, err := h.svc.UpdateCustomer(ctx, v.CustomerAccessToken, customerauth.CustomerUpdateInput{
			Email: in.Email, Password: in.Password, FirstName: in.FirstName, LastName: in.LastName,
			Phone: in.Phone, AcceptsMarketing: in.AcceptsMarketing,
		})
		if err != nil {
			h.mutationError(w, "customerUpdate", "CustomerUpdate", "customer", err, false)
			return
		}
		var tok *hwToken
		if t != nil {
			tok = &hwToken{t.Token, dateTime(t.ExpiresAt)}
		}
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{"customerUpdate": struct {
			Customer            *hwUpdatedCustomer    `json:"customer"`
			CustomerAccessToken *hwToken              `json:"customerAccessToken"`
			CustomerUserErrors  []hwCustomerUserError `json:"customerUserErrors"`
			UserErrors          []hwUserError         `json:"userErrors"`
		}{&hwUpdatedCustomer{
			ID: h.svc.GlobalID(c.ID), FirstName: str(c.FirstName), LastName: str(c.LastName),
			Email: str(c.Email), Phone: str(c.Phone), AcceptsMarketing: c.AcceptsMarketing,
		}, tok, []hwCustomerUserError{}, []hwUserError{}}}})
	case strings.Contains(q, "customer("):
		c, err := h.svc.CustomerByAccessToken(ctx, v.CustomerAccessToken)
		switch {
		case errors.Is(err, customerauth.ErrInvalidToken):
			writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{"customer": nil}})
			return
		case err != nil:
			h.internal(w, "customer")
			return
		}
		out := &hwCustomer{
			ID: h.svc.GlobalID(c.ID), FirstName: str(c.FirstName), LastName: str(c.LastName),
			Phone: str(c.Phone), Email: str(c.Email), DisplayName: c.DisplayName(),
			AcceptsMarketing: c.AcceptsMarketing, NumberOfOrders: "0", Tags: c.Tags,
			CreatedAt: dateTime(c.CreatedAt), UpdatedAt: dateTime(c.UpdatedAt),
			DefaultAddress: h.address(c.DefaultAddress()),
		}
		if out.Tags == nil {
			out.Tags = []string{}
		}
		n := min(len(c.Addresses), 6)
		out.Addresses.Edges = make([]hwEdge, n)
		for i := range n {
			out.Addresses.Edges[i].Node = h.address(&c.Addresses[i])
		}
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{"customer": out}})
	default:
		h.badRequest(w)
	}
}

// mutationError answers a failed mutation as the GraphQL handlers do: user
// errors in the payload, an invalid token as ACCESS_DENIED, a limit as
// THROTTLED, anything else as an internal error.
func (h *handWritten) mutationError(w http.ResponseWriter, field, typeName, prefix string, err error, plainUserErrors bool) {
	if ues := customerauth.UserErrors(err); len(ues) > 0 {
		cues := make([]hwCustomerUserError, len(ues))
		pues := make([]hwUserError, len(ues))
		for i, ue := range ues {
			var path []string
			if ue.Field != nil {
				path = ue.Field
				if prefix != "" {
					path = append([]string{prefix}, ue.Field...)
				}
			}
			cues[i] = hwCustomerUserError{Code: string(ue.Code), Field: path, Message: ue.Message}
			pues[i] = hwUserError{Field: path, Message: ue.Message}
		}
		payload := map[string]any{"customerUserErrors": cues, "userErrors": pues}
		if plainUserErrors {
			payload = map[string]any{"userErrors": pues}
		}
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{field: payload}})
		return
	}
	switch {
	case errors.Is(err, customerauth.ErrInvalidToken):
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{field: nil}, Errors: []hwError{{
			Message: typeName + " access denied", Extensions: map[string]string{"code": "ACCESS_DENIED"}}}})
	case errors.Is(err, customerauth.ErrThrottled):
		writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{field: nil}, Errors: []hwError{{
			Message: "Too many attempts. Please try again later.", Extensions: map[string]string{"code": "THROTTLED"}}}})
	default:
		h.internal(w, field)
	}
}

func (h *handWritten) internal(w http.ResponseWriter, field string) {
	writeHW(w, http.StatusOK, hwResponse{Data: map[string]any{field: nil}, Errors: []hwError{{
		Message: "Internal error. Looks like something went wrong on our end.", Extensions: map[string]string{"code": "INTERNAL_SERVER_ERROR"}}}})
}

func (h *handWritten) badRequest(w http.ResponseWriter) {
	writeHW(w, http.StatusBadRequest, hwResponse{Errors: []hwError{{Message: "Unsupported document.", Extensions: map[string]string{"code": "BAD_REQUEST"}}}})
}

func writeHW(w http.ResponseWriter, status int, body hwResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
