package customerauth

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// ImportRecord is one customer as another platform exported it, ready to be
// imported by Service.ImportCustomers. Only Email is required. Values are
// checked by the same rules as the Storefront API's (email, phone, names,
// tags, address fields), so an import cannot store what a customer could
// not.
type ImportRecord struct {
	// Line is where the record starts in its file, used only in reports;
	// 0 when unknown. A CSV record can span several lines.
	Line int
	// ID is the customer's id on the platform it comes from (Shopify's
	// "Customer ID"). It becomes the customer's ID here, so its GraphQL id
	// stays gid://shopify/Customer/<ID>. Empty: the record matches an
	// existing customer by email, or else a new customer gets a UUIDv7.
	ID    string
	Email string
	// Phone in any form the API accepts; it is stored in E.164.
	Phone     string
	FirstName string
	LastName  string
	// AcceptsMarketing is the email marketing consent.
	AcceptsMarketing    bool
	AcceptsSMSMarketing bool
	TaxExempt           bool
	Tags                []string
	Note                string
	// Language is the language the shop writes to the customer in, as a
	// Shopify LanguageCode ("FR", "PT_BR"; case and "pt-BR" are forgiven),
	// kept as Customer.Language. Empty leaves the language of an existing
	// customer as it is: Shopify's exports do not have one.
	Language string
	// Address is the customer's default address, or nil.
	Address *Address
	// PasswordHash is the customer's password hash on the platform it
	// comes from, in one of the formats the Service verifies (bcrypt,
	// sha512-crypt, Django pbkdf2_sha256, phpass, argon2). A customer with
	// one is imported ENABLED and logs in with the old password, which is
	// rehashed with argon2id at that first login; without one, the customer
	// is imported DISABLED and needs an invitation or Multipass.
	PasswordHash string
}

// ImportOutcome is what an import did with one record.
type ImportOutcome uint8

// The outcomes of a record.
const (
	// ImportCreated: the record became a new customer.
	ImportCreated ImportOutcome = iota + 1
	// ImportUpdated: the record changed an existing customer.
	ImportUpdated
	// ImportUnchanged: the record matched a customer that already had its
	// values, as when a file is imported a second time.
	ImportUnchanged
	// ImportFailed: the record was refused; ImportResult.Err says why.
	ImportFailed
)

// String returns the outcome's name, as reports print it.
func (o ImportOutcome) String() string {
	switch o {
	case ImportCreated:
		return "created"
	case ImportUpdated:
		return "updated"
	case ImportUnchanged:
		return "unchanged"
	case ImportFailed:
		return "failed"
	}
	return "unknown"
}

// ImportResult reports what happened to one record.
type ImportResult struct {
	// Line and Email are the record's, to find it in its file.
	Line  int
	Email string
	// CustomerID is the ID of the customer the record created or matched;
	// empty when it failed before one was known.
	CustomerID string
	Outcome    ImportOutcome
	// Err is why the record failed, for ImportFailed: UserErrors for
	// values the API's rules refuse, with field paths named like the
	// GraphQL input's ("email", "address.zip").
	Err error
}

// ImportSummary counts the outcomes of an import.
type ImportSummary struct {
	Created, Updated, Unchanged, Failed int
}

func (s *ImportSummary) add(o ImportOutcome) {
	switch o {
	case ImportCreated:
		s.Created++
	case ImportUpdated:
		s.Updated++
	case ImportUnchanged:
		s.Unchanged++
	case ImportFailed:
		s.Failed++
	}
}

// ImportOptions tunes Service.ImportCustomers. The zero value imports for
// real, 500 records at a time.
type ImportOptions struct {
	// DryRun checks every record and decides what it would do, looking up
	// existing customers, but writes nothing.
	DryRun bool
	// BatchSize is how many records are looked up and created together;
	// 0 means 500. Larger batches are faster and hold more in memory.
	BatchSize int
	// OnResult, when set, is called with the result of every record, in
	// the order of the records, as soon as its batch is done: to report
	// failures and show progress.
	OnResult func(ImportResult)
}

// maxImportTags and maxNoteLength bound what one imported record may
// carry, as Shopify bounds them.
const (
	maxImportTags  = 250
	maxNoteLength  = 5000
	maxTagLength   = 255
	importBatchMax = 10000
)

// ImportCustomers imports customers exported by another platform, one
// record after another, and returns how many were created, updated, left
// unchanged and refused. A record that fails is reported (through
// OnResult) and skipped; the others are imported. The returned error is
// not nil only when the import could not go on (the store failed or ctx
// ended): records before the failing batch are imported, and importing the
// same records again finishes the job.
//
// Matching follows DESIGN's rules, so that importing one file twice changes
// nothing the second time:
//   - a record with an ID is the customer with that ID; when none has it
//     but another customer has the record's email, the record is a
//     conflict and fails (it is never merged into a different customer);
//   - a record without an ID is the customer with its email, if any;
//   - a new customer is DISABLED (it needs an invitation or Multipass to
//     log in), or ENABLED when the record has a password hash;
//   - an existing customer gets the record's names, email, phone,
//     consents, tags, note and language (when the record has one), and
//     the record's address as its default;
//     its state, password and tokens are kept, except that a customer
//     without a password takes the record's hash and becomes ENABLED;
//   - a record whose ID or email appeared earlier in the same import
//     fails, naming the line it repeats.
//
// Records are checked by the rules of the Storefront API (email, phone,
// names, address), plus: an ID is what ValidCustomerID accepts, at most
// 250 tags of at most 255 characters, a note of at most 5000, and a
// password hash in a format the Service verifies, within its cost bounds.
//
// An error yielded by records fails that record: its Line and Email are
// reported with the error. No notification is sent.
func (s *Service) ImportCustomers(ctx context.Context, records iter.Seq2[ImportRecord, error], opt ImportOptions) (ImportSummary, error) {
	size := opt.BatchSize
	if size <= 0 {
		size = 500
	}
	size = min(size, importBatchMax)
	imp := &importer{s: s, opt: opt, seenID: map[string]int{}, seenEmail: map[string]int{}}
	batch := make([]importItem, 0, size)
	for rec, err := range records {
		if err := ctx.Err(); err != nil {
			return imp.sum, err
		}
		batch = append(batch, imp.prepare(rec, err))
		if len(batch) == size {
			if err := imp.run(ctx, batch); err != nil {
				return imp.sum, err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := imp.run(ctx, batch); err != nil {
			return imp.sum, err
		}
	}
	return imp.sum, ctx.Err()
}

// importer is the state of one ImportCustomers call.
type importer struct {
	s   *Service
	opt ImportOptions
	sum ImportSummary
	// seenID and seenEmail remember the line of every ID and email key
	// met so far, so a repeated customer fails instead of overwriting the
	// first with the second (which would make a re-run change it back).
	seenID    map[string]int
	seenEmail map[string]int
}

// importItem is one record on its way through a batch: checked, then
// matched, then written.
type importItem struct {
	rec      ImportRecord
	c        *Customer // the record as a customer, when it passed the checks
	res      ImportResult
	existing *Customer // the customer it matched, if any
}

// prepare checks rec and turns it into a customer, or a failed result.
func (imp *importer) prepare(rec ImportRecord, recErr error) importItem {
	it := importItem{rec: rec, res: ImportResult{Line: rec.Line, Email: strings.TrimSpace(rec.Email)}}
	if recErr != nil {
		it.fail(recErr)
		return it
	}
	c, err := imp.s.importedCustomer(&rec)
	if err != nil {
		it.fail(err)
		return it
	}
	it.res.Email = c.Email
	if rec.ID != "" {
		if line, dup := imp.seenID[rec.ID]; dup {
			it.fail(fmt.Errorf("customer ID %s repeats line %d", rec.ID, line))
			return it
		}
		imp.seenID[rec.ID] = rec.Line
	}
	if line, dup := imp.seenEmail[c.EmailKey]; dup {
		it.fail(userErr(CodeTaken, "Email repeats line %d", line).at("email"))
		return it
	}
	imp.seenEmail[c.EmailKey] = rec.Line
	it.c = c
	return it
}

func (it *importItem) fail(err error) {
	it.c = nil
	it.res.Outcome = ImportFailed
	it.res.Err = err
}

// importedCustomer checks rec by the API's rules and returns it as a new
// customer would be stored (without an ID when rec has none).
func (s *Service) importedCustomer(rec *ImportRecord) (*Customer, error) {
	texts := []textInput{
		text(rec.ID, term{"Customer ID"}, "id"),
		text(rec.Email, term{"Email"}, "email"), text(rec.Phone, term{"Phone"}, "phone"),
		text(rec.FirstName, term{"First name"}, "firstName"), text(rec.LastName, term{"Last name"}, "lastName"),
		text(rec.Note, term{"Note"}, "note"), text(rec.PasswordHash, term{"Password hash"}, "passwordHash"),
	}
	for i, t := range rec.Tags {
		texts = append(texts, text(t, term{"Tag"}, "tags", strconv.Itoa(i)))
	}
	if rec.Address != nil {
		texts = append(texts, addressTexts(*rec.Address, "address")...)
	}
	if err := refuseUnstorable(texts...); err != nil {
		return nil, err
	}
	email := rec.Email
	p, errs := checkProfile(&email, &rec.Phone, &rec.FirstName, &rec.LastName)
	if rec.ID != "" && !ValidCustomerID(rec.ID) {
		errs = append(errs, userErr(CodeInvalid, "Customer ID must be 1 to 64 letters, digits, '-' or '_'").at("id"))
	}
	tags, tagErrs := importTags(rec.Tags)
	errs = append(errs, tagErrs...)
	note := strings.TrimSpace(rec.Note)
	if utf8.RuneCountInString(note) > maxNoteLength {
		errs = append(errs, userErr(CodeTooLong, "%s is too long (maximum is %d characters)", term{"Note"}, maxNoteLength).at("note"))
	}
	lang := normalizeLanguage(rec.Language)
	if lang == "" && strings.TrimSpace(rec.Language) != "" {
		errs = append(errs, userErr(CodeInvalid, "Language is not a language code we know").at("language"))
	}
	if h := rec.PasswordHash; h != "" {
		if err := checkImportedHash(h); err != nil {
			errs = append(errs, userErr(CodeInvalid, "Password hash: %s", err.Error()).at("passwordHash"))
		}
	}
	c := &Customer{
		ID: rec.ID, Email: p.email, EmailKey: EmailKey(p.email), Phone: p.phone,
		FirstName: p.firstName, LastName: p.lastName,
		AcceptsMarketing: rec.AcceptsMarketing, AcceptsSMSMarketing: rec.AcceptsSMSMarketing,
		TaxExempt: rec.TaxExempt, Tags: tags, Note: note, PasswordHash: rec.PasswordHash,
		Language: lang,
	}
	if rec.Address != nil {
		a, err := importedAddress(rec.Address, c)
		if err != nil {
			var ues []*UserError
			if ues = UserErrors(err); len(ues) == 0 {
				return nil, err
			}
			errs = append(errs, ues...)
		} else {
			c.Addresses = []Address{a}
		}
	}
	if len(errs) > 0 {
		return nil, joinUserErrors(errs)
	}
	return c, nil
}

// importTags trims the tags, drops empty ones and repeats, and checks their
// number and length.
func importTags(in []string) ([]string, []*UserError) {
	var tags []string
	var errs []*UserError
	for i, t := range in {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || slices.Contains(tags, t):
			continue
		case utf8.RuneCountInString(t) > maxTagLength:
			errs = append(errs, userErr(CodeTooLong, "%s is too long (maximum is %d characters)", term{"Tag"}, maxTagLength).at("tags", strconv.Itoa(i)))
		}
		tags = append(tags, t)
	}
	if len(tags) > maxImportTags {
		errs = append(errs, userErr(CodeInvalid, "A customer can have at most %d tags", maxImportTags).at("tags"))
	}
	return tags, errs
}

// importedAddress checks a by the rules of the address book (country and
// province by name or code). An address without names takes the
// customer's, as Shopify's default addresses carry them.
func importedAddress(a *Address, c *Customer) (Address, error) {
	first, last := a.FirstName, a.LastName
	if first == "" && last == "" {
		first, last = c.FirstName, c.LastName
	}
	country := a.CountryCode
	if country == "" {
		country = a.Country
	}
	province := a.ProvinceCode
	if province == "" {
		province = a.Province
	}
	// Shopify writes some province codes with their country in front, in
	// the ISO 3166-2 form ("JP-13" for Tokyo).
	if len(country) == 2 {
		if rest, ok := strings.CutPrefix(strings.ToUpper(province), strings.ToUpper(country)+"-"); ok && rest != "" {
			province = rest
		}
	}
	in := AddressInput{
		FirstName: &first, LastName: &last, Company: &a.Company,
		Address1: &a.Address1, Address2: &a.Address2, City: &a.City, Zip: &a.Zip, Phone: &a.Phone,
	}
	if country != "" {
		in.Country = &country
	}
	if province != "" {
		in.Province = &province
	}
	return in.applyTo(Address{})
}

// importAddressID is the id of the address an import gives the customer
// with the given ID. It is derived from the ID (a name-based UUID), so
// that importing the customer again finds and rewrites that address
// instead of adding a copy.
func importAddressID(customerID string) string {
	namespace := uuid.UUID{0x4e, 0x1c, 0x8b, 0x52, 0x6a, 0x0f, 0x5a, 0x43, 0x9d, 0x6e, 0x0c, 0x2f, 0x3b, 0x7a, 0x9e, 0x11}
	return uuid.NewSHA1(namespace, []byte(customerID)).String()
}

// run matches, decides and writes one batch, then reports its results.
func (imp *importer) run(ctx context.Context, batch []importItem) error {
	if err := imp.match(ctx, batch); err != nil {
		return err
	}
	var creates []*importItem
	for i := range batch {
		it := &batch[i]
		if it.c == nil {
			continue
		}
		switch {
		case it.existing != nil:
			if err := imp.update(ctx, it); err != nil {
				return err
			}
		default:
			if err := imp.s.newImported(it); err != nil {
				return err
			}
			creates = append(creates, it)
		}
	}
	if err := imp.create(ctx, creates); err != nil {
		return err
	}
	for i := range batch {
		imp.sum.add(batch[i].res.Outcome)
		if imp.opt.OnResult != nil {
			imp.opt.OnResult(batch[i].res)
		}
	}
	return nil
}

// match finds the stored customer of every checked record of batch, and
// fails the records whose ID and email point at different customers.
func (imp *importer) match(ctx context.Context, batch []importItem) error {
	var ids, keys []string
	for i := range batch {
		if c := batch[i].c; c != nil {
			if c.ID != "" {
				ids = append(ids, c.ID)
			}
			keys = append(keys, c.EmailKey)
		}
	}
	found, err := imp.s.findCustomers(ctx, ids, keys)
	if err != nil {
		return storeErr("import", err)
	}
	byID := make(map[string]*Customer, len(found))
	byEmail := make(map[string]*Customer, len(found))
	for _, c := range found {
		byID[c.ID] = c
		byEmail[c.EmailKey] = c
	}
	for i := range batch {
		it := &batch[i]
		if it.c == nil {
			continue
		}
		other := byEmail[it.c.EmailKey]
		if it.c.ID == "" {
			it.existing = other
			continue
		}
		it.existing = byID[it.c.ID]
		if it.existing == nil && other != nil {
			it.fail(userErr(CodeTaken, "Email belongs to another customer (%s); the record names customer %s", other.ID, it.c.ID).at("email"))
		}
	}
	return nil
}

// findCustomers looks customers up in one call when the store can, else
// one at a time.
func (s *Service) findCustomers(ctx context.Context, ids, keys []string) ([]*Customer, error) {
	if fi, ok := s.store.(CustomerImporter); ok {
		return fi.FindCustomers(ctx, ids, keys)
	}
	var out []*Customer
	seen := map[string]bool{}
	keep := func(c *Customer, err error) error {
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case !seen[c.ID]:
			seen[c.ID] = true
			out = append(out, c)
		}
		return nil
	}
	for _, id := range ids {
		if err := keep(s.store.CustomerByID(ctx, id)); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if err := keep(s.store.CustomerByEmail(ctx, k)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newImported completes it.c as a new customer: its ID, state, times and
// the id of its address.
func (s *Service) newImported(it *importItem) error {
	c := it.c
	if c.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		c.ID = id.String()
	}
	c.State = StateDisabled
	if c.PasswordHash != "" {
		c.State = StateEnabled
	}
	c.CreatedAt = s.now()
	c.UpdatedAt = c.CreatedAt
	if len(c.Addresses) > 0 {
		c.Addresses[0].ID = importAddressID(c.ID)
		c.DefaultAddressID = c.Addresses[0].ID
	}
	it.res.CustomerID = c.ID
	it.res.Outcome = ImportCreated
	return nil
}

// create stores the new customers of a batch together. When that
// conflicts (an email or phone taken since the batch was matched, or two
// records sharing a phone), it stores them one by one, so that only the
// records that conflict fail.
func (imp *importer) create(ctx context.Context, items []*importItem) error {
	if len(items) == 0 || imp.opt.DryRun {
		return nil
	}
	if bulk, ok := imp.s.store.(CustomerImporter); ok && len(items) > 1 {
		cs := make([]*Customer, len(items))
		for i, it := range items {
			cs[i] = it.c
		}
		err := bulk.CreateCustomers(ctx, cs)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return storeErr("import", err)
		}
	}
	for _, it := range items {
		err := imp.s.store.CreateCustomer(ctx, it.c, nil)
		switch {
		case errors.Is(err, ErrConflict):
			it.fail(imp.s.importConflict(ctx, it.c, true))
		case err != nil:
			return storeErr("import", err)
		}
	}
	return nil
}

// importConflict explains why c could not be stored: which of its unique
// values another customer has. creating says c was to be a new customer,
// whose ID may itself be taken.
func (s *Service) importConflict(ctx context.Context, c *Customer, creating bool) error {
	if creating {
		if _, err := s.store.CustomerByID(ctx, c.ID); err == nil {
			return userErr(CodeTaken, "Customer ID %s is taken", c.ID).at("id")
		}
	}
	return s.conflict(ctx, c.ID, c.EmailKey, c.Phone)
}

// update applies the record it to the customer it matched, writing only
// what differs.
func (imp *importer) update(ctx context.Context, it *importItem) error {
	old, c := it.existing, it.c
	it.res.CustomerID = old.ID
	ch := &CustomerChange{ID: old.ID}
	changed := false
	setStr := func(dst **string, now, want string) {
		if now != want {
			*dst, changed = &want, true
		}
	}
	setBool := func(dst **bool, now, want bool) {
		if now != want {
			*dst, changed = &want, true
		}
	}
	setStr(&ch.Email, old.Email, c.Email)
	setStr(&ch.Phone, old.Phone, c.Phone)
	setStr(&ch.FirstName, old.FirstName, c.FirstName)
	setStr(&ch.LastName, old.LastName, c.LastName)
	setStr(&ch.Note, old.Note, c.Note)
	if c.Language != "" {
		setStr(&ch.Language, old.Language, c.Language)
	}
	setBool(&ch.AcceptsMarketing, old.AcceptsMarketing, c.AcceptsMarketing)
	setBool(&ch.AcceptsSMSMarketing, old.AcceptsSMSMarketing, c.AcceptsSMSMarketing)
	setBool(&ch.TaxExempt, old.TaxExempt, c.TaxExempt)
	if !slices.Equal(old.Tags, c.Tags) && (len(old.Tags) > 0 || len(c.Tags) > 0) {
		tags := c.Tags
		ch.Tags, changed = &tags, true
	}
	if len(c.Addresses) > 0 {
		if def := old.DefaultAddress(); def == nil || !sameAddress(*def, c.Addresses[0]) {
			a := c.Addresses[0]
			a.ID = importAddressID(old.ID)
			ch.PutAddress, changed = &a, true
		}
	}
	if c.PasswordHash != "" && old.PasswordHash == "" {
		// A customer who never set a password takes the old platform's;
		// one who has set a password here keeps it.
		enabled := StateEnabled
		ch.PasswordHash, ch.State, ch.RevokeTokens, changed = &c.PasswordHash, &enabled, true, true
		ch.IfCredentialVersion = &old.CredentialVersion
	}
	if !changed {
		it.res.Outcome = ImportUnchanged
		return nil
	}
	it.res.Outcome = ImportUpdated
	if imp.opt.DryRun {
		return nil
	}
	ch.UpdatedAt = imp.s.now()
	_, err := imp.s.store.UpdateCustomer(ctx, ch)
	switch {
	case errors.Is(err, ErrConflict):
		it.fail(imp.s.importConflict(ctx, &Customer{ID: old.ID, EmailKey: c.EmailKey, Phone: c.Phone}, false))
	case errors.Is(err, ErrNotFound):
		it.fail(fmt.Errorf("customer %s was deleted during the import", old.ID))
	case errors.Is(err, ErrCredentialsChanged):
		it.fail(fmt.Errorf("customer %s set a password during the import; run the import again", old.ID))
	case err != nil:
		return storeErr("import", err)
	}
	return nil
}
