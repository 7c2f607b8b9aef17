package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// inviteReport is what invite prints with -json.
type inviteReport struct {
	Sent    int          `json:"sent"`
	Skipped int          `json:"skipped"`
	Failed  int          `json:"failed"`
	DryRun  bool         `json:"dryRun,omitempty"`
	Links   []inviteLink `json:"links,omitempty"`
	Errors  []inviteErr  `json:"errors,omitempty"`
}

type inviteLink struct {
	Email string `json:"email"`
	URL   string `json:"url"`
}

type inviteErr struct {
	Email string `json:"email"`
	Error string `json:"error"`
}

func runInvite(ctx context.Context, e *env, args []string) int {
	fs := e.flags()
	all := fs.Bool("all", false, "invite every customer without a password who was not invited yet")
	var emails stringList
	fs.Var(&emails, "email", "invite this customer (repeat for several)")
	resend := fs.Bool("resend", false, "also invite again customers invited before (their old link stops working)")
	rateFlag := fs.String("rate", "5/s", "at most this many invitations per second (N/s, N/m or N/h)")
	shopURL := fs.String("shop-url", "", "the shop's URL, base of the activation links (required)")
	smtpURL := fs.String("smtp", "", "send the invitations through this mail server: smtp://user:password@host:port?from=address&tls=starttls&shop=Name")
	printLinks := fs.Bool("print-links", false, "print the links instead of mailing them (for testing and hand delivery)")
	dryRun := fs.Bool("dry-run", false, "report whom invite would invite, issuing and sending nothing")
	if code := e.parse(args); code >= 0 {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return e.badUsage("unexpected argument %q", fs.Arg(0))
	case *all == (len(emails) > 0):
		return e.badUsage("give either -all or -email")
	case !*dryRun && (*smtpURL == "") == !*printLinks:
		return e.badUsage("give either -smtp or -print-links")
	case *smtpURL != "" && *printLinks:
		return e.badUsage("give either -smtp or -print-links")
	case !*dryRun && *shopURL == "":
		return e.badUsage("-shop-url is required: the activation links point there")
	}
	limit, err := parseRate(*rateFlag)
	if err != nil {
		return e.badUsage("%s", err)
	}
	cfg := customerauth.Config{ShopURL: *shopURL}
	if *smtpURL != "" {
		sc, err := smtpnotify.ParseURL(*smtpURL)
		if err != nil {
			return e.badUsage("-smtp: %s", err)
		}
		n, err := smtpnotify.New(sc)
		if err != nil {
			return e.badUsage("-smtp: %s", err)
		}
		cfg.Notifier = n
	}
	svc, err := e.open(ctx, cfg)
	defer e.close()
	if err != nil {
		return e.fail(err)
	}

	rep := inviteReport{DryRun: *dryRun}
	targets, failed, err := inviteTargets(ctx, svc, *all, emails)
	if err != nil {
		return e.fail(err)
	}
	for _, f := range failed {
		rep.Failed++
		rep.Errors = append(rep.Errors, f)
		fmt.Fprintf(e.stderr, "%s: %s\n", f.Email, f.Error)
	}
	bar := newProgress(e.stderr, int64(len(targets)), "inviting", false)
	lim := rate.NewLimiter(limit, 1)
	opt := customerauth.InvitationOptions{Resend: *resend, LinkOnly: *printLinks}
	for _, c := range targets {
		if c.State == customerauth.StateEnabled || c.State == customerauth.StateInvited && !*resend {
			rep.Skipped++
			bar.add(1)
			continue
		}
		if *dryRun {
			rep.Sent++
			bar.add(1)
			continue
		}
		if err := lim.Wait(ctx); err != nil {
			break
		}
		link, err := svc.Invite(ctx, c.ID, opt)
		switch {
		case errors.Is(err, customerauth.ErrNoInvitationNeeded):
			rep.Skipped++
		case err != nil:
			rep.Failed++
			rep.Errors = append(rep.Errors, inviteErr{Email: c.Email, Error: describe(err)})
			fmt.Fprintf(e.stderr, "%s: %s\n", c.Email, describe(err))
		default:
			rep.Sent++
			if *printLinks {
				rep.Links = append(rep.Links, inviteLink{Email: c.Email, URL: link})
				if !e.json {
					fmt.Fprintf(e.stdout, "%s\t%s\n", c.Email, link)
				}
			}
		}
		bar.add(1)
	}
	bar.finish()
	interrupted := ctx.Err() != nil
	if e.json {
		if err := e.writeJSON(rep); err != nil {
			return e.fail(err)
		}
	} else {
		verb := "sent"
		switch {
		case *dryRun:
			verb = "would send (dry run)"
		case *printLinks:
			verb = "issued"
		}
		fmt.Fprintf(e.stderr, "invitations %s: %d, skipped: %d, failed: %d\n", verb, rep.Sent, rep.Skipped, rep.Failed)
	}
	if interrupted {
		fmt.Fprintln(e.stderr, "customerauth invite: interrupted; run it again to go on where it stopped")
		return exitFail
	}
	if rep.Failed > 0 {
		return exitFail
	}
	return exitOK
}

// inviteTargets lists the customers to invite: the named ones (unknown
// emails are failures), or every DISABLED and INVITED customer (the
// INVITED ones are skipped unless resend, and counted so, which is how a
// second run shows that it resumes). It reads them all first, so that a
// run's count is known for the progress bar and does not shift as
// customers become INVITED.
func inviteTargets(ctx context.Context, svc *customerauth.Service, all bool, emails []string) ([]*customerauth.Customer, []inviteErr, error) {
	var out []*customerauth.Customer
	var failed []inviteErr
	if !all {
		for _, em := range emails {
			c, err := svc.CustomerByEmail(ctx, em)
			if ues := customerauth.UserErrors(err); len(ues) > 0 && ues[0].Code == customerauth.CodeNotFound {
				failed = append(failed, inviteErr{Email: em, Error: "no customer has this email"})
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			out = append(out, c)
		}
		return out, failed, nil
	}
	for _, st := range []customerauth.State{customerauth.StateDisabled, customerauth.StateInvited} {
		for c, err := range svc.AllCustomers(ctx, customerauth.CustomerQuery{State: st, Limit: 1000}) {
			if err != nil {
				return nil, nil, err
			}
			// Only what Invite needs is kept: a million customers fit.
			out = append(out, &customerauth.Customer{ID: c.ID, Email: c.Email, State: c.State})
		}
	}
	return out, nil, nil
}

// parseRate reads N/s, N/m, N/h or N (per second).
func parseRate(s string) (rate.Limit, error) {
	num, unit, _ := strings.Cut(s, "/")
	per := time.Second
	switch unit {
	case "", "s":
	case "m", "min":
		per = time.Minute
	case "h":
		per = time.Hour
	default:
		return 0, fmt.Errorf("-rate must look like 10/s, 100/m or 1000/h, not %q", s)
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 || n > 10000 {
		return 0, fmt.Errorf("-rate must look like 10/s, 100/m or 1000/h (at most 10000/s), not %q", s)
	}
	return rate.Limit(n / per.Seconds()), nil
}
