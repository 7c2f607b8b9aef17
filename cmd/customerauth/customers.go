package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopkit/customerauth"
)

// customerJSON is a customer as list and show print it with -json. It
// never holds the password hash, only whether there is one.
type customerJSON struct {
	ID                  string        `json:"id"`
	Email               string        `json:"email"`
	FirstName           string        `json:"firstName"`
	LastName            string        `json:"lastName"`
	State               string        `json:"state"`
	Tags                []string      `json:"tags"`
	CreatedAt           time.Time     `json:"createdAt"`
	Phone               string        `json:"phone,omitempty"`
	AcceptsMarketing    *bool         `json:"acceptsMarketing,omitempty"`
	AcceptsSMSMarketing *bool         `json:"acceptsSmsMarketing,omitempty"`
	TaxExempt           *bool         `json:"taxExempt,omitempty"`
	Note                string        `json:"note,omitempty"`
	Language            string        `json:"language,omitempty"`
	HasPassword         *bool         `json:"hasPassword,omitempty"`
	UpdatedAt           *time.Time    `json:"updatedAt,omitempty"`
	Addresses           []addressJSON `json:"addresses,omitempty"`
}

type addressJSON struct {
	ID           string `json:"id"`
	Default      bool   `json:"default"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Company      string `json:"company,omitempty"`
	Address1     string `json:"address1,omitempty"`
	Address2     string `json:"address2,omitempty"`
	City         string `json:"city,omitempty"`
	Province     string `json:"province,omitempty"`
	ProvinceCode string `json:"provinceCode,omitempty"`
	Country      string `json:"country,omitempty"`
	CountryCode  string `json:"countryCode,omitempty"`
	Zip          string `json:"zip,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// summaryJSON is the short form list prints.
func summaryJSON(svc *customerauth.Service, c *customerauth.Customer) customerJSON {
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	return customerJSON{
		ID: svc.GlobalID(c.ID), Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		State: c.State.String(), Tags: tags, CreatedAt: c.CreatedAt.UTC(),
	}
}

// detailJSON is the full form show prints.
func detailJSON(svc *customerauth.Service, c *customerauth.Customer) customerJSON {
	j := summaryJSON(svc, c)
	hasPassword := c.PasswordHash != ""
	updated := c.UpdatedAt.UTC()
	j.Phone, j.Note, j.Language = c.Phone, c.Note, c.Language
	j.AcceptsMarketing, j.AcceptsSMSMarketing, j.TaxExempt = &c.AcceptsMarketing, &c.AcceptsSMSMarketing, &c.TaxExempt
	j.HasPassword, j.UpdatedAt = &hasPassword, &updated
	for _, a := range c.Addresses {
		j.Addresses = append(j.Addresses, addressJSON{
			ID: svc.AddressGlobalID(a.ID), Default: a.ID == c.DefaultAddressID,
			FirstName: a.FirstName, LastName: a.LastName, Company: a.Company,
			Address1: a.Address1, Address2: a.Address2, City: a.City,
			Province: a.Province, ProvinceCode: a.ProvinceCode, Country: a.Country,
			CountryCode: a.CountryCode, Zip: a.Zip, Phone: a.Phone,
		})
	}
	return j
}

func parseState(s string) (customerauth.State, bool) {
	for _, st := range []customerauth.State{customerauth.StateDisabled, customerauth.StateInvited, customerauth.StateEnabled, customerauth.StateDeclined} {
		if strings.EqualFold(s, st.String()) {
			return st, true
		}
	}
	return 0, false
}

func runList(ctx context.Context, e *env, args []string) int {
	fs := e.flags()
	state := fs.String("state", "", "only customers in this state: disabled, invited, enabled or declined")
	search := fs.String("search", "", "only customers whose email or name contains this text")
	limit := fs.Int("limit", 50, "at most this many customers (up to 1000)")
	if code := e.parse(args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return e.badUsage("unexpected argument %q", fs.Arg(0))
	}
	q := customerauth.CustomerQuery{Search: *search, Limit: *limit}
	if *state != "" {
		st, ok := parseState(*state)
		if !ok {
			return e.badUsage("-state must be disabled, invited, enabled or declined, not %q", *state)
		}
		q.State = st
	}
	if *limit < 1 || *limit > 1000 {
		return e.badUsage("-limit must be between 1 and 1000")
	}
	svc, err := e.open(ctx, customerauth.Config{})
	defer e.close()
	if err != nil {
		return e.fail(err)
	}
	cs, err := svc.ListCustomers(ctx, q)
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		out := make([]customerJSON, len(cs))
		for i, c := range cs {
			out[i] = summaryJSON(svc, c)
		}
		if err := e.writeJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tSTATE\tTAGS\tCREATED")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Email, strings.TrimSpace(c.FirstName+" "+c.LastName),
			c.State, strings.Join(c.Tags, ", "), c.CreatedAt.UTC().Format(time.DateOnly))
	}
	if err := tw.Flush(); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// selector is the -email / -id pair of the commands that act on one
// customer.
type selector struct{ email, id string }

func (s *selector) register(fs *flag.FlagSet) {
	fs.StringVar(&s.email, "email", "", "the customer's email")
	fs.StringVar(&s.id, "id", "", "the customer's ID, bare or as a GraphQL id")
}

// check returns a usage complaint, or "".
func (s *selector) check(fs *flag.FlagSet) string {
	switch {
	case fs.NArg() > 0:
		return fmt.Sprintf("unexpected argument %q", fs.Arg(0))
	case (s.email == "") == (s.id == ""):
		return "give either -email or -id"
	}
	return ""
}

func (s *selector) find(ctx context.Context, svc *customerauth.Service) (*customerauth.Customer, error) {
	if s.id != "" {
		return svc.Customer(ctx, s.id)
	}
	return svc.CustomerByEmail(ctx, s.email)
}

// oneCustomer runs the commands that act on one customer: parse, open,
// find, then act, and print what act returns.
func oneCustomer(ctx context.Context, e *env, args []string, extra func(fs *flag.FlagSet) func() string,
	act func(svc *customerauth.Service, c *customerauth.Customer) (*customerauth.Customer, string, error)) int {
	fs := e.flags()
	var sel selector
	sel.register(fs)
	var more func() string
	if extra != nil {
		more = extra(fs)
	}
	if code := e.parse(args); code >= 0 {
		return code
	}
	if msg := sel.check(fs); msg != "" {
		return e.badUsage("%s", msg)
	}
	if more != nil {
		if msg := more(); msg != "" {
			return e.badUsage("%s", msg)
		}
	}
	svc, err := e.open(ctx, customerauth.Config{})
	defer e.close()
	if err != nil {
		return e.fail(err)
	}
	c, err := sel.find(ctx, svc)
	if err != nil {
		return e.fail(err)
	}
	after, done, err := act(svc, c)
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		out := map[string]any{"id": svc.GlobalID(c.ID), "email": c.Email, "result": done}
		if after != nil {
			out = map[string]any{"customer": detailJSON(svc, after), "result": done}
		}
		if err := e.writeJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	if after != nil {
		printCustomer(e, svc, after)
	}
	if done != "" {
		fmt.Fprintf(e.stdout, "%s: %s\n", c.Email, done)
	}
	return exitOK
}

func printCustomer(e *env, svc *customerauth.Service, c *customerauth.Customer) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	yesNo := map[bool]string{true: "yes", false: "no"}
	row("ID", svc.GlobalID(c.ID))
	row("Email", c.Email)
	row("Name", strings.TrimSpace(c.FirstName+" "+c.LastName))
	row("Phone", c.Phone)
	row("State", c.State.String())
	row("Password", yesNo[c.PasswordHash != ""])
	row("Email marketing", yesNo[c.AcceptsMarketing])
	row("SMS marketing", yesNo[c.AcceptsSMSMarketing])
	row("Tax exempt", yesNo[c.TaxExempt])
	row("Language", c.Language)
	row("Tags", strings.Join(c.Tags, ", "))
	row("Note", strings.ReplaceAll(c.Note, "\n", " / "))
	row("Created", c.CreatedAt.UTC().Format(time.RFC3339))
	row("Updated", c.UpdatedAt.UTC().Format(time.RFC3339))
	for _, a := range c.Addresses {
		label := "Address"
		if a.ID == c.DefaultAddressID {
			label = "Address (default)"
		}
		parts := []string{strings.TrimSpace(a.FirstName + " " + a.LastName), a.Company, a.Address1, a.Address2,
			strings.TrimSpace(a.Zip + " " + a.City), a.ProvinceCode, a.CountryCode, a.Phone}
		row(label, strings.Join(nonEmpty(parts), ", "))
	}
	tw.Flush()
}

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func runShow(ctx context.Context, e *env, args []string) int {
	return oneCustomer(ctx, e, args, nil, func(_ *customerauth.Service, c *customerauth.Customer) (*customerauth.Customer, string, error) {
		return c, "", nil
	})
}

func runDisable(ctx context.Context, e *env, args []string) int {
	return oneCustomer(ctx, e, args, nil, func(svc *customerauth.Service, c *customerauth.Customer) (*customerauth.Customer, string, error) {
		if err := svc.DisableCustomer(ctx, c.ID); err != nil {
			return nil, "", err
		}
		return nil, "disabled; every token revoked", nil
	})
}

func runEnable(ctx context.Context, e *env, args []string) int {
	return oneCustomer(ctx, e, args, nil, func(svc *customerauth.Service, c *customerauth.Customer) (*customerauth.Customer, string, error) {
		if _, err := svc.EnableCustomer(ctx, c.ID); err != nil {
			return nil, "", err
		}
		return nil, "enabled", nil
	})
}

func runErase(ctx context.Context, e *env, args []string) int {
	var yes bool
	extra := func(fs *flag.FlagSet) func() string {
		fs.BoolVar(&yes, "yes", false, "confirm: the customer, its addresses and its tokens are deleted for good")
		return func() string {
			if !yes {
				return "erasing cannot be undone: add -yes to confirm"
			}
			return ""
		}
	}
	return oneCustomer(ctx, e, args, extra, func(svc *customerauth.Service, c *customerauth.Customer) (*customerauth.Customer, string, error) {
		if err := svc.EraseCustomer(ctx, c.ID); err != nil {
			return nil, "", err
		}
		return nil, "erased", nil
	})
}
