package customerauth_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// The messages of customerUserErrors come in the shopper's language, the
// one @inContext(language:) names: English, French, German, Spanish,
// Italian, Dutch, Portuguese or Japanese. Codes, field paths and the
// top-level errors clients match by their text never change.

// otherLanguages are the languages of the catalog besides English, as
// Shopify's LanguageCode enum names them.
var otherLanguages = []string{"FR", "DE", "ES", "IT", "NL", "PT", "JA"}

// verbPattern matches a fmt verb, with its flags, width and precision.
var verbPattern = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// catalogKeys reads the package's source, as a contributor leaves it, and
// returns every message format given to userErr and every term{"…"}, each
// with where it is. A format or a term that is not a string literal cannot
// be checked, and fails the test.
func catalogKeys(t *testing.T) (formats, terms map[string]string) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	formats, terms = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "userErr" && len(n.Args) >= 2 {
					s, ok := literal(n.Args[1])
					if !ok {
						t.Errorf("%s: userErr's message format is not a string literal: the catalog cannot be checked", fset.Position(n.Pos()))
						return true
					}
					formats[s] = fset.Position(n.Pos()).String()
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "term" {
					var s string
					ok := len(n.Elts) == 1
					if ok {
						s, ok = literal(n.Elts[0])
					}
					if !ok {
						t.Errorf("%s: a term that is not term{\"literal\"}: the catalog cannot be checked", fset.Position(n.Pos()))
						return true
					}
					terms[s] = fset.Position(n.Pos()).String()
				}
			}
			return true
		})
	}
	return formats, terms
}

// TestMessageCatalogComplete holds the catalog to the source: every message
// format and every term has a translation in each language, and each
// translated format has the verbs of the English one, in the same order,
// so that the same arguments fill it.
func TestMessageCatalogComplete(t *testing.T) {
	formats, terms := catalogKeys(t)
	// The parse must have found what is there, or the test is vacuous.
	for _, want := range []string{"Email is invalid", "%s is too long (maximum is %d characters)", "Invalid reset token"} {
		if _, ok := formats[want]; !ok {
			t.Errorf("the parse did not find the format %q among %d", want, len(formats))
		}
	}
	for _, want := range []string{"First name", "Address2", "Customer ID"} {
		if _, ok := terms[want]; !ok {
			t.Errorf("the parse did not find the term %q among %d", want, len(terms))
		}
	}
	check := func(kind, english, where string) {
		for _, lang := range otherLanguages {
			got, ok := customerauth.CatalogText(english, lang)
			switch {
			case !ok:
				t.Errorf("%s: the %s %q is not in the catalog (messages_catalog.go)", where, kind, english)
				return
			case strings.TrimSpace(got) == "":
				t.Errorf("%s: the %s %q has no %s translation", where, kind, english, lang)
			case kind == "format" && got == english:
				t.Errorf("%s: the %s translation of %q is the English text", where, lang, english)
			}
			if want, have := verbPattern.FindAllString(english, -1), verbPattern.FindAllString(got, -1); !slices.Equal(want, have) {
				t.Errorf("%s: the %s translation of %q has the verbs %q, the English %q: %q", where, lang, english, have, want, got)
			}
		}
	}
	for _, f := range slices.Sorted(maps.Keys(formats)) {
		check("format", f, formats[f])
	}
	for _, term := range slices.Sorted(maps.Keys(terms)) {
		if verbPattern.MatchString(term) {
			t.Errorf("%s: the term %q has a verb", terms[term], term)
		}
		check("term", term, terms[term])
	}
}

// localizedError is one entry of customerUserErrors, with the message of
// the same entry in userErrors when the payload has them.
type localizedError struct {
	code, field, message, deprecated string
}

// localizedErrors returns the errors of the named mutation's payload.
func localizedErrors(t *testing.T, r gqlResult, mutation string) []localizedError {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("top-level errors: %s", r.Raw)
	}
	list, _ := r.get(mutation, "customerUserErrors").([]any)
	deprecated, hasDeprecated := r.get(mutation, "userErrors").([]any)
	if hasDeprecated && len(deprecated) != len(list) {
		t.Fatalf("%d userErrors for %d customerUserErrors: %s", len(deprecated), len(list), r.Raw)
	}
	var out []localizedError
	for i, item := range list {
		m := item.(map[string]any)
		var field []string
		path, _ := m["field"].([]any) // null for an error of no single field
		for _, f := range path {
			field = append(field, f.(string))
		}
		e := localizedError{code: m["code"].(string), field: strings.Join(field, "."), message: m["message"].(string)}
		if hasDeprecated {
			e.deprecated = deprecated[i].(map[string]any)["message"].(string)
		} else {
			e.deprecated = e.message
		}
		out = append(out, e)
	}
	return out
}

// englishLeft returns three words in a row of english, other than quoted
// values, that text still has, or "": an untranslated sentence or part.
func englishLeft(english, text string) string {
	words := strings.Fields(english)
	for i := 0; i+3 <= len(words); i++ {
		run := strings.Join(words[i:i+3], " ")
		if strings.ContainsAny(run, "@0123456789") {
			continue // an email address or a number, the same in every language
		}
		if strings.Contains(text, run) {
			return run
		}
	}
	return ""
}

const (
	// inContextRecoverDoc is customerRecover as a storefront sends it
	// with the shopper's language.
	inContextRecoverDoc = `mutation customerRecover($email: String!, $language: LanguageCode) @inContext(language: $language) {
  customerRecover(email: $email) {
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`
	inContextActivateByURLDoc = `mutation customerActivateByUrl($activationUrl: URL!, $password: String!, $language: LanguageCode) @inContext(language: $language) {
  customerActivateByUrl(activationUrl: $activationUrl, password: $password) {
    customer { id }
    customerUserErrors { code field message }
  }
}`
	inContextAddressCreateDoc = `mutation customerAddressCreate($t: String!, $address: MailingAddressInput!, $language: LanguageCode) @inContext(language: $language) {
  customerAddressCreate(customerAccessToken: $t, address: $address) {
    customerAddress { id }
    customerUserErrors { code field message }
    userErrors { field message }
  }
}`
)

// localizedCase is one document that fails with user errors, sent in each
// language.
type localizedCase struct {
	name     string
	doc      string
	mutation string
	vars     map[string]any
	// codes are the expected "CODE field" of the errors, in English as in
	// every other language.
	codes []string
}

// localizedCases builds, on e, a document for each family of user errors.
func localizedCases(t *testing.T, e *env) []localizedCase {
	t.Helper()
	ctx := context.Background()
	e.register("taken@example.com", "correct horse battery")
	token := e.login("taken@example.com", "correct horse battery")
	invited, err := e.svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "invited@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	link, err := e.svc.ActivationURL(ctx, invited.ID)
	if err != nil {
		t.Fatal(err)
	}
	wrongToken := link[:strings.LastIndexByte(link, '/')+1] + "0123456789abcdef0123456789abcdef-1775044800"
	input := func(m map[string]any) map[string]any { return map[string]any{"input": m} }
	return []localizedCase{
		{"email and password", createDoc, "customerCreate",
			input(map[string]any{"email": "not-an-email", "password": "short"}),
			[]string{"INVALID input.email", "TOO_SHORT input.password"}},
		{"names and phone", createDoc, "customerCreate",
			input(map[string]any{"email": "names@example.com", "password": "correct horse battery", "firstName": "<b>Ann</b>", "lastName": "see evil.de", "phone": "12"}),
			[]string{"CONTAINS_HTML_TAGS input.firstName", "CONTAINS_URL input.lastName", "INVALID input.phone"}},
		{"long name", createDoc, "customerCreate",
			input(map[string]any{"email": "long@example.com", "password": "correct horse battery", "lastName": strings.Repeat("n", 256)}),
			[]string{"TOO_LONG input.lastName"}},
		{"email taken", createDoc, "customerCreate",
			input(map[string]any{"email": "taken@example.com", "password": "correct horse battery"}),
			[]string{"TAKEN input.email"}},
		{"account not enabled", createDoc, "customerCreate",
			input(map[string]any{"email": "invited@example.com", "password": "correct horse battery"}),
			[]string{"CUSTOMER_DISABLED input"}},
		{"unknown country", inContextAddressCreateDoc, "customerAddressCreate",
			map[string]any{"t": token, "address": map[string]any{"address1": "1 Main St", "country": "Atlantis"}},
			[]string{"INVALID address.country"}},
		{"province of another country", inContextAddressCreateDoc, "customerAddressCreate",
			map[string]any{"t": token, "address": map[string]any{"address1": "1 Main St", "address2": "<i>2</i>", "country": "Canada", "province": "Bavaria"}},
			[]string{"CONTAINS_HTML_TAGS address.address2", "INVALID address.province"}},
		{"activation token", inContextActivateByURLDoc, "customerActivateByUrl",
			map[string]any{"activationUrl": wrongToken, "password": "correct horse battery"},
			[]string{"TOKEN_INVALID activationUrl"}},
		{"activation url", inContextActivateByURLDoc, "customerActivateByUrl",
			map[string]any{"activationUrl": "https://shop.example/account/nothing", "password": "correct horse battery"},
			[]string{"INVALID activationUrl"}},
		{"unknown email", inContextRecoverDoc, "customerRecover",
			map[string]any{"email": "nobody@example.com"},
			[]string{"UNIDENTIFIED_CUSTOMER email"}},
	}
}

// unthrottled lifts the limits a test that sends many requests would hit.
func unthrottled(c *customerauth.Config) {
	off := customerauth.Rule{Limit: -1}
	c.Throttle.CreatePerIP, c.Throttle.RecoverPerIP, c.Throttle.RecoverPerEmail = off, off, off
	c.Throttle.LoginPerIP, c.Throttle.LoginPerAccount = off, off
}

// withLanguage returns vars with $language set, or without it for "".
func withLanguage(vars map[string]any, lang string) map[string]any {
	out := maps.Clone(vars)
	if lang != "" {
		out["language"] = lang
	}
	return out
}

func TestUserErrorsInShoppersLanguage(t *testing.T) {
	e := newEnv(t, unthrottled)
	cases := localizedCases(t, e)
	// Exact French, one per family, where a word choice or a quoted value
	// could go wrong.
	french := map[string]string{
		"email and password":          "L’adresse e-mail n’est pas valide|Le mot de passe est trop court (8 caractères minimum)",
		"names and phone":             "Le champ «\u00a0Prénom\u00a0» ne peut pas contenir de balises HTML|Le champ «\u00a0Nom\u00a0» ne peut pas contenir d’adresse web|Le numéro de téléphone n’est pas valide",
		"long name":                   "Le champ «\u00a0Nom\u00a0» est trop long (255 caractères maximum)",
		"email taken":                 "Cette adresse e-mail est déjà utilisée",
		"account not enabled":         "Nous avons envoyé un e-mail à invited@example.com. Cliquez sur le lien qu’il contient pour confirmer votre adresse e-mail.",
		"unknown country":             "Ce pays ne correspond à aucun nom ni code de pays connu",
		"province of another country": "Le champ «\u00a0Complément d’adresse\u00a0» ne peut pas contenir de balises HTML|Cette région n’est ni un État ni une province du pays «\u00a0Canada\u00a0»",
		"activation token":            "Le jeton d’activation n’est pas valide",
		"activation url":              "Le lien d’activation n’est pas valide",
		"unknown email":               "Impossible de trouver le client",
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			english := localizedErrors(t, e.do(c.doc, withLanguage(c.vars, "EN")), c.mutation)
			var codes []string
			for _, en := range english {
				codes = append(codes, en.code+" "+en.field)
			}
			if !slices.Equal(codes, c.codes) {
				t.Fatalf("English errors %q, want %q: %+v", codes, c.codes, english)
			}
			if absent := localizedErrors(t, e.do(c.doc, withLanguage(c.vars, "")), c.mutation); !slices.Equal(absent, english) {
				t.Errorf("without a language: %+v, want the English %+v", absent, english)
			}
			for _, lang := range otherLanguages {
				got := localizedErrors(t, e.do(c.doc, withLanguage(c.vars, lang)), c.mutation)
				if len(got) != len(english) {
					t.Fatalf("%s: %d errors, English %d: %+v", lang, len(got), len(english), got)
				}
				var messages []string
				for i, g := range got {
					en := english[i]
					if g.code != en.code || g.field != en.field {
						t.Errorf("%s: error %d is %s %s, in English %s %s", lang, i, g.code, g.field, en.code, en.field)
					}
					if g.message == en.message {
						t.Errorf("%s: %q is the English message", lang, g.message)
					} else if run := englishLeft(en.message, g.message); run != "" {
						t.Errorf("%s: %q keeps %q of the English %q", lang, g.message, run, en.message)
					}
					if g.deprecated != g.message {
						t.Errorf("%s: userErrors says %q, customerUserErrors %q", lang, g.deprecated, g.message)
					}
					messages = append(messages, g.message)
				}
				if want := french[c.name]; lang == "FR" && strings.Join(messages, "|") != want {
					t.Errorf("French:\n got %q\nwant %q", strings.Join(messages, "|"), want)
				}
			}
		})
	}
}

// TestLanguageMatching: every Portuguese is Portuguese, a language the
// catalog does not have and no language at all are English, and the
// language may come as a literal, a variable or a variable's default.
func TestLanguageMatching(t *testing.T) {
	e := newEnv(t, unthrottled)
	const literalDoc = `mutation($email: String!) @inContext(country: BR, language: %s) {
  customerRecover(email: $email) { customerUserErrors { code field message } }
}`
	const defaultDoc = `mutation($email: String!, $language: LanguageCode = %s) @inContext(language: $language) {
  customerRecover(email: $email) { customerUserErrors { code field message } }
}`
	message := func(t *testing.T, doc string, vars map[string]any) string {
		t.Helper()
		got := localizedErrors(t, e.do(doc, vars), "customerRecover")
		if len(got) != 1 {
			t.Fatalf("%d errors: %+v", len(got), got)
		}
		return got[0].message
	}
	unknown := map[string]any{"email": "nobody@example.com"}
	inLanguage := func(lang string) string {
		t.Helper()
		return message(t, inContextRecoverDoc, withLanguage(unknown, lang))
	}
	const english, portuguese, german = "Could not find customer", "Não foi possível encontrar o cliente", "Der Kunde konnte nicht gefunden werden"
	tests := []struct {
		name string
		got  func() string
		want string
	}{
		{"PT", func() string { return inLanguage("PT") }, portuguese},
		{"PT_BR", func() string { return inLanguage("PT_BR") }, portuguese},
		{"PT_PT", func() string { return inLanguage("PT_PT") }, portuguese},
		{"Luxembourgish reads German", func() string { return inLanguage("LB") }, german},
		{"DA, a language without messages", func() string { return inLanguage("DA") }, english},
		{"ZH_CN", func() string { return inLanguage("ZH_CN") }, english},
		{"no language", func() string { return inLanguage("") }, english},
		{"null", func() string {
			return message(t, inContextRecoverDoc, map[string]any{"email": "nobody@example.com", "language": nil})
		}, english},
		{"a literal", func() string { return message(t, fmt.Sprintf(literalDoc, "DE"), unknown) }, german},
		{"a variable's default", func() string { return message(t, fmt.Sprintf(defaultDoc, "PT_BR"), unknown) }, portuguese},
		{"a variable over its default", func() string {
			return message(t, fmt.Sprintf(defaultDoc, "PT_BR"), withLanguage(unknown, "DE"))
		}, german},
		{"a document without @inContext", func() string { return message(t, recoverDoc, unknown) }, english},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLocalizedFastPathMatchesGraphQLGo: the compiled plan and
// graphql.Execute answer every language alike, and the plan does answer.
func TestLocalizedFastPathMatchesGraphQLGo(t *testing.T) {
	p := newFastPair(t, unthrottled)
	cases := localizedCases(t, p.env)
	for _, c := range cases {
		if c.name == "account not enabled" {
			continue // it sends an email and replaces the link: not the same answer twice
		}
		for _, lang := range append([]string{"", "EN", "PT_BR"}, otherLanguages...) {
			p.check(t, c.name+" in "+lang, gqlReq{query: c.doc, vars: withLanguage(c.vars, lang)}, 1)
		}
	}
	// A literal, which the plan sees in the document it compiled.
	doc := `mutation @inContext(language: JA) { customerRecover(email: "nobody@example.com") { customerUserErrors { code field message } userErrors { message } } }`
	ans := p.check(t, "a literal language", gqlReq{query: doc}, 1)
	if !strings.Contains(ans.body, "お客様が見つかりませんでした") {
		t.Errorf("not in Japanese: %s", ans.body)
	}
}

// TestTopLevelErrorsStayEnglish: the messages clients match by their text
// read as Shopify words them, whatever the language.
func TestTopLevelErrorsStayEnglish(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) {
		c.Throttle.LoginPerIP = customerauth.Rule{Limit: 1, Window: time.Hour}
		c.Throttle.CreatePerIP = customerauth.Rule{Limit: 1, Window: time.Hour}
		c.Throttle.RecoverPerIP = customerauth.Rule{Limit: 1, Window: time.Hour}
	})
	const updateDocFR = `mutation($t: String!) @inContext(language: FR) {
  customerUpdate(customerAccessToken: $t, customer: {firstName: "Ann"}) { customerUserErrors { code message } }
}`
	const addressDocFR = `mutation($t: String!) @inContext(language: FR) {
  customerAddressCreate(customerAccessToken: $t, address: {city: "Lyon"}) { customerUserErrors { code message } }
}`
	const renewDocFR = `mutation($t: String!) @inContext(language: FR) {
  customerAccessTokenRenew(customerAccessToken: $t) { userErrors { message } }
}`
	const loginDocFR = `mutation @inContext(language: FR) {
  customerAccessTokenCreate(input: {email: "ann@example.com", password: "wrong password"}) { customerUserErrors { code message } }
}`
	const createDocFR = `mutation($email: String!) @inContext(language: FR) {
  customerCreate(input: {email: $email, password: "correct horse battery"}) { customerUserErrors { code message } }
}`
	const recoverDocFR = `mutation @inContext(language: FR) {
  customerRecover(email: "nobody@example.com") { customerUserErrors { code message } }
}`
	tests := []struct {
		name       string
		doc        string
		vars       map[string]any
		times      int
		message    string
		extensions string
	}{
		{"customerUpdate", updateDocFR, map[string]any{"t": "0123456789abcdef0123456789abcdef"}, 1, "CustomerUpdate access denied", "ACCESS_DENIED"},
		{"customerAddressCreate", addressDocFR, map[string]any{"t": "0123456789abcdef0123456789abcdef"}, 1, "CustomerAddressCreate access denied", "ACCESS_DENIED"},
		{"customerAccessTokenRenew", renewDocFR, map[string]any{"t": "0123456789abcdef0123456789abcdef"}, 1, "CustomerAccessTokenRenew access denied", "ACCESS_DENIED"},
		{"login throttled", loginDocFR, nil, 2, "Login attempt limit exceeded. Please try again later.", "THROTTLED"},
		{"registration throttled", createDocFR, map[string]any{"email": "new@example.com"}, 2, "Creating Customer Limit exceeded. Please try again later.", "THROTTLED"},
		{"recover throttled", recoverDocFR, nil, 2, "Resetting password limit exceeded. Please try again later.", "THROTTLED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r gqlResult
			for range tt.times {
				r = e.do(tt.doc, tt.vars)
			}
			if len(r.Errors) != 1 || r.Errors[0].Message != tt.message || r.Errors[0].Extensions["code"] != tt.extensions {
				t.Errorf("got %s, want the top-level %q (%s)", r.Raw, tt.message, tt.extensions)
			}
		})
	}
}

// TestGoCallersGetEnglishMessages: a Service method's UserError keeps
// English in Message, whatever the context's language, and renders any
// other language on request.
func TestGoCallersGetEnglishMessages(t *testing.T) {
	e := newEnv(t)
	ctx := customerauth.WithLanguage(context.Background(), "FR")
	if got := customerauth.LanguageFrom(ctx); got != "FR" {
		t.Fatalf("LanguageFrom = %q", got)
	}
	_, err := e.svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "correct horse battery", FirstName: "<b>Ann</b>"})
	ues := customerauth.UserErrors(err)
	if len(ues) != 1 {
		t.Fatalf("errors: %v", err)
	}
	ue := ues[0]
	tests := []struct{ lang, want string }{
		{"", "First name cannot contain HTML tags"},
		{"EN", "First name cannot contain HTML tags"},
		{"FR", "Le champ «\u00a0Prénom\u00a0» ne peut pas contenir de balises HTML"},
		{"fr-CA", "Le champ «\u00a0Prénom\u00a0» ne peut pas contenir de balises HTML"},
		{"de", "Das Feld „Vorname“ darf keine HTML-Tags enthalten"},
		{"pt-BR", "O campo “Nome” não pode conter tags HTML"},
		{"JA", "「名」にHTMLタグは使用できません"},
		{"KO", "First name cannot contain HTML tags"},
		{"not a language", "First name cannot contain HTML tags"},
	}
	if ue.Message != tests[0].want || ue.Error() != "firstName: "+tests[0].want {
		t.Errorf("Message %q, Error %q: want English", ue.Message, ue.Error())
	}
	for _, tt := range tests {
		if got := ue.Localized(tt.lang); got != tt.want {
			t.Errorf("Localized(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	// A UserError made by the host has only its Message.
	own := &customerauth.UserError{Code: customerauth.CodeInvalid, Message: "Nope"}
	if got := own.Localized("FR"); got != "Nope" {
		t.Errorf("a host's UserError in French: %q", got)
	}
}

// TestLanguageIsKept: a customer keeps the language they registered in (or
// were imported with), and every notification carries the customer's
// language and how long its link works.
func TestLanguageIsKept(t *testing.T) {
	const activationTTL, resetTTL = 72 * time.Hour, 2 * time.Hour
	setup := func(c *customerauth.Config) {
		unthrottled(c)
		c.ActivationTTL, c.ResetTTL = activationTTL, resetTTL
	}
	ctx := context.Background()
	stored := func(t *testing.T, e *env, email string) *customerauth.Customer {
		t.Helper()
		c, err := e.store.CustomerByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	create := func(t *testing.T, e *env, email, lang string) {
		t.Helper()
		vars := withLanguage(map[string]any{"input": map[string]any{"email": email, "password": "correct horse battery"}}, lang)
		e.do(createDoc, vars).noErrors(t, "customerCreate")
	}
	check := func(t *testing.T, n customerauth.Notification, lang string, validFor time.Duration) {
		t.Helper()
		if n.Language != lang || n.LinkValidFor != validFor {
			t.Errorf("%v to %s: Language %q, LinkValidFor %v; want %q, %v", n.Kind, n.Email, n.Language, n.LinkValidFor, lang, validFor)
		}
	}

	t.Run("register and recover", func(t *testing.T) {
		e := newEnv(t, setup)
		create(t, e, "ann@example.com", "PT_BR")
		if got := stored(t, e, "ann@example.com").Language; got != "PT_BR" {
			t.Errorf("stored Language %q, want PT_BR", got)
		}
		check(t, e.mail.last(t, customerauth.NotifyWelcome, "ann@example.com"), "PT_BR", 0)
		// The customer's language, not the one of the request that asks.
		e.do(inContextRecoverDoc, map[string]any{"email": "ann@example.com", "language": "JA"}).noErrors(t, "customerRecover")
		check(t, e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com"), "PT_BR", resetTTL)

		create(t, e, "bob@example.com", "")
		if got := stored(t, e, "bob@example.com").Language; got != "" {
			t.Errorf("a registration without a language stored %q", got)
		}
		check(t, e.mail.last(t, customerauth.NotifyWelcome, "bob@example.com"), "", 0)
		// A customer without a language hears in the request's.
		e.do(inContextRecoverDoc, map[string]any{"email": "bob@example.com", "language": "IT"}).noErrors(t, "customerRecover")
		check(t, e.mail.last(t, customerauth.NotifyPasswordReset, "bob@example.com"), "IT", resetTTL)
	})

	t.Run("registration with email verification", func(t *testing.T) {
		e := newEnv(t, setup, func(c *customerauth.Config) { c.RequireEmailVerification = true })
		create(t, e, "cy@example.com", "FR")
		check(t, e.mail.last(t, customerauth.NotifyActivation, "cy@example.com"), "FR", activationTTL)
	})

	t.Run("invitation of an imported customer", func(t *testing.T) {
		e := newEnv(t, setup)
		records := func(yield func(customerauth.ImportRecord, error) bool) {
			for _, r := range []customerauth.ImportRecord{
				{Line: 2, Email: "dee@example.com", Language: "de"},
				{Line: 3, Email: "eve@example.com", Language: "pt-br"},
				{Line: 4, Email: "fay@example.com", Language: "Klingon"},
			} {
				if !yield(r, nil) {
					return
				}
			}
		}
		var failures []customerauth.ImportResult
		if _, err := e.svc.ImportCustomers(ctx, records, customerauth.ImportOptions{OnResult: func(r customerauth.ImportResult) {
			if r.Outcome == customerauth.ImportFailed {
				failures = append(failures, r)
			}
		}}); err != nil {
			t.Fatal(err)
		}
		if len(failures) != 1 || failures[0].Email != "fay@example.com" {
			t.Fatalf("failures %+v, want fay's", failures)
		}
		var ue *customerauth.UserError
		if !errors.As(failures[0].Err, &ue) || ue.Code != customerauth.CodeInvalid || !slices.Equal(ue.Field, []string{"language"}) {
			t.Errorf("fay failed with %v, want INVALID on language", failures[0].Err)
		}
		dee := stored(t, e, "dee@example.com")
		if dee.Language != "DE" || stored(t, e, "eve@example.com").Language != "PT_BR" {
			t.Errorf("stored languages %q and %q, want DE and PT_BR", dee.Language, stored(t, e, "eve@example.com").Language)
		}
		if _, err := e.svc.Invite(ctx, dee.ID, customerauth.InvitationOptions{}); err != nil {
			t.Fatal(err)
		}
		check(t, e.mail.last(t, customerauth.NotifyInvitation, "dee@example.com"), "DE", activationTTL)
	})

	t.Run("import updates the language it has", func(t *testing.T) {
		e := newEnv(t, setup)
		run := func(rec customerauth.ImportRecord) customerauth.ImportSummary {
			t.Helper()
			sum, err := e.svc.ImportCustomers(ctx, func(yield func(customerauth.ImportRecord, error) bool) { yield(rec, nil) }, customerauth.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
		run(customerauth.ImportRecord{ID: "1001", Email: "gus@example.com", Language: "NL"})
		if sum := run(customerauth.ImportRecord{ID: "1001", Email: "gus@example.com"}); sum.Unchanged != 1 {
			t.Errorf("a record without a language changed the customer: %+v", sum)
		}
		if got := stored(t, e, "gus@example.com").Language; got != "NL" {
			t.Errorf("after a record without a language: %q, want NL", got)
		}
		if sum := run(customerauth.ImportRecord{ID: "1001", Email: "gus@example.com", Language: "JA"}); sum.Updated != 1 {
			t.Errorf("a new language was not applied: %+v", sum)
		}
		if got := stored(t, e, "gus@example.com").Language; got != "JA" {
			t.Errorf("after a record in JA: %q", got)
		}
	})

	t.Run("Multipass", func(t *testing.T) {
		e := newEnv(t, setup, func(c *customerauth.Config) { c.MultipassSecrets = []string{"multipass secret of the test shop"} })
		tok, err := e.svc.Multipass().Encode(customerauth.MultipassPayload{Email: "ida@example.com", CreatedAt: e.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateAccessTokenWithMultipass(customerauth.WithLanguage(ctx, "FR"), tok); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, e, "ida@example.com").Language; got != "FR" {
			t.Errorf("a customer Multipass created has Language %q, want FR", got)
		}
	})

	t.Run("invitation through the Go API", func(t *testing.T) {
		e := newEnv(t, setup)
		c, err := e.svc.InviteCustomer(customerauth.WithLanguage(ctx, "es"), customerauth.InviteInput{Email: "hal@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Language != "ES" {
			t.Errorf("Language %q, want ES", c.Language)
		}
		check(t, e.mail.last(t, customerauth.NotifyActivation, "hal@example.com"), "ES", activationTTL)
	})
}
