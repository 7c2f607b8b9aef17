package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// CustomerLister.
//
// The rule for CustomerQuery.Search these behaviours hold every store to:
// a customer matches when
//
//	strings.Contains(strings.ToLower(field), strings.ToLower(q.Search))
//
// for its Email, FirstName or LastName, and no other field. That is Unicode
// lowercasing (strings.ToLower), not only ASCII: "ZOË" finds "Zoë". A SQL
// store therefore cannot rely on SQLite's LIKE or lower(), which fold
// ASCII only, nor on PostgreSQL's lower() or ILIKE, which fold by the
// collation's character classes (ASCII only under the "C" locale): it
// compares text lowercased by Go, in a column written with
// strings.ToLower, a function registered with the driver, or a filter in
// Go. And it matches the text as it is: '%', '_' and '\' are characters,
// not patterns or escapes. The behaviours use only letters whose lowercase
// form is the same in every Unicode version and locale (no Turkish dotted
// I, no final sigma).

// listerStore is a Store that is a CustomerLister: the behaviours create
// customers through the one and list them through the other.
type listerStore interface {
	customerauth.Store
	customerauth.CustomerLister
}

// runLister checks the customerauth.CustomerLister contract. The admin
// command's list and export page through every customer with it: a store
// that sorts in another order, or returns a short page while more
// customers follow, makes an export skip customers or repeat them.
func runLister(t *testing.T, newStore func(t *testing.T) listerStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s listerStore)
	}{
		{"EmptyStoreListsNothing", testListEmpty},
		{"ListsWholeCustomersInIDByteOrder", testListOrder},
		{"PagingWithAfterSeesEachCustomerOnce", testListPaging},
		{"LimitIsRespected", testListLimit},
		{"StateFilter", testListState},
		{"SearchIgnoresUnicodeCaseInEmailAndNames", testListSearchCase},
		{"SearchLooksOnlyAtEmailAndNames", testListSearchFields},
		{"SearchIsPlainText", testListSearchLiteral},
		{"FiltersCombineWithPaging", testListFiltersAndPaging},
		{"ListedCustomersAreCopies", testListCopies},
		{"CancelledContextFails", testListCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// list calls ListCustomers and fails the test on an error.
func list(t *testing.T, s customerauth.CustomerLister, q customerauth.CustomerQuery) []*customerauth.Customer {
	t.Helper()
	cs, err := s.ListCustomers(t.Context(), q)
	if err != nil {
		t.Fatalf("ListCustomers(%+v): %v", q, err)
	}
	return cs
}

// ids returns the IDs of cs, in order.
func ids(cs []*customerauth.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// wantIDs fails unless got lists the customers with the IDs want, in that
// order.
func wantIDs(t *testing.T, call string, got []*customerauth.Customer, want []string) {
	t.Helper()
	if g := ids(got); !slices.Equal(g, want) {
		t.Errorf("%s listed %q, want %q", call, g, want)
	}
}

// listAll pages through the customers matching q with q.Limit per page,
// as the Service's AllCustomers does, and checks every page: at most
// q.Limit customers, and exactly q.Limit unless it is the last, since a
// caller stops at the first short page.
func listAll(t *testing.T, s customerauth.CustomerLister, q customerauth.CustomerQuery) []*customerauth.Customer {
	t.Helper()
	var all []*customerauth.Customer
	for range 10_000 {
		page := list(t, s, q)
		if len(page) > q.Limit {
			t.Fatalf("ListCustomers(%+v) returned %d customers, more than the limit", q, len(page))
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			// The short page must be the last: nothing may follow it.
			if len(page) > 0 {
				q.After = page[len(page)-1].ID
			}
			if rest := list(t, s, q); len(page) > 0 && len(rest) > 0 {
				t.Fatalf("ListCustomers(%+v) returned a page of %d, fewer than the limit, yet %d more customers follow", q, len(page), len(rest))
			}
			return all
		}
		q.After = page[len(page)-1].ID
	}
	t.Fatalf("ListCustomers never returned a short page")
	return nil
}

// sortedIDs returns the IDs of cs in byte order.
func sortedIDs(cs ...*customerauth.Customer) []string {
	out := ids(cs)
	slices.Sort(out)
	return out
}

func testListEmpty(t *testing.T, s listerStore) {
	if got := list(t, s, customerauth.CustomerQuery{Limit: 10}); len(got) != 0 {
		t.Errorf("ListCustomers on an empty store listed %q", ids(got))
	}
}

// orderIDs are IDs whose byte order differs from every other order a store
// might use: numeric ("999" after "7085491241234"), case-insensitive or
// locale collation ("_x" and "a" after "Zz", "-a" first, "B" before "a").
// PostgreSQL orders and compares text by the database's collation unless
// told COLLATE "C", in ORDER BY and in the comparison with After alike.
var orderIDs = []string{
	"a", "7085491241234", "_x", "B", "999", "Zz", "-a", "0042", "abc_DEF-1", "abc_def-1", "abc", "A9", "ab-c", "ab_c",
}

// testListOrder: every customer, whole, in ID byte order; After keeps
// those that sort after it, whether or not it is a stored ID.
func testListOrder(t *testing.T, s listerStore) {
	byID := map[string]*customerauth.Customer{}
	for _, id := range append(slices.Clone(orderIDs), uuid.NewString()) {
		c := newCustomer()
		c.ID = id
		mustCreate(t, s, c, nil)
		byID[id] = c
	}
	want := slices.Sorted(maps.Keys(byID))
	got := list(t, s, customerauth.CustomerQuery{Limit: 100})
	wantIDs(t, "ListCustomers", got, want)
	for _, c := range got {
		if w := byID[c.ID]; w != nil {
			checkCustomer(t, "ListCustomers", w, c)
		}
	}

	afters := append(slices.Clone(want), "", "5", "Z", "^", "abc_", "~", "0")
	for _, after := range afters {
		var tail []string
		for _, id := range want {
			if id > after {
				tail = append(tail, id)
			}
		}
		got := list(t, s, customerauth.CustomerQuery{After: after, Limit: 100})
		wantIDs(t, fmt.Sprintf("ListCustomers(After: %q)", after), got, tail)
	}
}

// testListPaging: paging with After through more customers than a page
// holds sees each exactly once, in order, whatever the page size,
// including one that divides the number of customers.
func testListPaging(t *testing.T, s listerStore) {
	var cs []*customerauth.Customer
	for i := range 53 {
		c := newCustomer()
		if i%2 == 0 {
			c.ID = shopifyID()
		}
		mustCreate(t, s, c, nil)
		cs = append(cs, c)
	}
	want := sortedIDs(cs...)
	for _, limit := range []int{1, 7, 10, 53, 100} {
		got := listAll(t, s, customerauth.CustomerQuery{Limit: limit})
		wantIDs(t, fmt.Sprintf("paging with Limit %d", limit), got, want)
	}
}

// testListLimit: Limit customers are listed, or all when there are fewer:
// the first ones in ID order.
func testListLimit(t *testing.T, s listerStore) {
	var cs []*customerauth.Customer
	for range 5 {
		c := newCustomer()
		mustCreate(t, s, c, nil)
		cs = append(cs, c)
	}
	all := sortedIDs(cs...)
	for limit := 1; limit <= 7; limit++ {
		got := list(t, s, customerauth.CustomerQuery{Limit: limit})
		wantIDs(t, fmt.Sprintf("ListCustomers(Limit: %d)", limit), got, all[:min(limit, len(all))])
	}
}

// testListState: State keeps the customers in that state; the zero State
// keeps all.
func testListState(t *testing.T, s listerStore) {
	states := []customerauth.State{customerauth.StateDisabled, customerauth.StateInvited, customerauth.StateEnabled, customerauth.StateDeclined}
	byState := map[customerauth.State][]*customerauth.Customer{}
	var all []*customerauth.Customer
	for i := range 10 {
		c := newCustomer()
		c.State = states[i%len(states)]
		mustCreate(t, s, c, nil)
		byState[c.State] = append(byState[c.State], c)
		all = append(all, c)
	}
	// A state change moves a customer from one list to the other.
	moved := byState[customerauth.StateInvited][0]
	mustUpdate(t, s, &customerauth.CustomerChange{ID: moved.ID, State: new(customerauth.StateEnabled), UpdatedAt: base})
	byState[customerauth.StateInvited] = byState[customerauth.StateInvited][1:]
	byState[customerauth.StateEnabled] = append(byState[customerauth.StateEnabled], moved)

	for _, st := range states {
		got := list(t, s, customerauth.CustomerQuery{State: st, Limit: 100})
		wantIDs(t, "ListCustomers(State: "+st.String()+")", got, sortedIDs(byState[st]...))
		for _, c := range got {
			if c.State != st {
				t.Errorf("ListCustomers(State: %s) listed customer %s in state %s", st, c.ID, c.State)
			}
		}
	}
	wantIDs(t, "ListCustomers(State: 0)", list(t, s, customerauth.CustomerQuery{Limit: 100}), sortedIDs(all...))
}

// searchCase is a search and the customers it must list.
type searchCase struct {
	search string
	want   []*customerauth.Customer
}

// checkSearches runs each search and compares what it lists.
func checkSearches(t *testing.T, s listerStore, cases []searchCase) {
	t.Helper()
	for _, tc := range cases {
		got := list(t, s, customerauth.CustomerQuery{Search: tc.search, Limit: 100})
		wantIDs(t, fmt.Sprintf("ListCustomers(Search: %q)", tc.search), got, sortedIDs(tc.want...))
	}
}

// named creates a customer with the given names and, when local is not
// empty, an email with that local part.
func named(t *testing.T, s listerStore, first, last, local string) *customerauth.Customer {
	t.Helper()
	c := newCustomer()
	c.FirstName, c.LastName = first, last
	if local != "" {
		setEmail(c, local+"."+c.ID[:8]+"@example.com")
	}
	mustCreate(t, s, c, nil)
	return c
}

// testListSearchCase: Search finds its text in the email, first or last
// name without regard to case, ASCII or not, anywhere in the value.
func testListSearchCase(t *testing.T, s listerStore) {
	zoe := named(t, s, "Zoë", "Lee", "")
	zoeller := named(t, s, "Ann", "ZOËLLER", "")
	ascii := named(t, s, "Chris", "Ng", "ZoeNg")
	smith := named(t, s, "Bob", "Smith", "bob")
	mary := named(t, s, "Ann", "Lee", "MARY.Q")
	cyr := named(t, s, "Дмитрий", "Иванов", "")
	greek := named(t, s, "Ωμέγα", "Øster", "")
	all := []*customerauth.Customer{zoe, zoeller, ascii, smith, mary, cyr, greek}
	checkSearches(t, s, []searchCase{
		{"", all},
		{"zoë", []*customerauth.Customer{zoe, zoeller}},
		{"ZOË", []*customerauth.Customer{zoe, zoeller}},
		{"Zoë", []*customerauth.Customer{zoe, zoeller}},
		{"zoËl", []*customerauth.Customer{zoeller}},
		// ë is not e.
		{"zoe", []*customerauth.Customer{ascii}},
		{"ZOENG", []*customerauth.Customer{ascii}},
		{"mary.q", []*customerauth.Customer{mary}},
		{"EXAMPLE.COM", all},
		{"lee", []*customerauth.Customer{zoe, mary}},
		{"MiT", []*customerauth.Customer{smith}},
		{"дмитрий", []*customerauth.Customer{cyr}},
		{"ИВАНОВ", []*customerauth.Customer{cyr}},
		{"ωμέγα", []*customerauth.Customer{greek}},
		{"ΩΜΈΓΑ", []*customerauth.Customer{greek}},
		{"øSTER", []*customerauth.Customer{greek}},
		{"nobody", nil},
	})
}

// testListSearchFields: Search looks at the email and the names only: not
// the phone, the note, the tags, the addresses or the ID.
func testListSearchFields(t *testing.T, s listerStore) {
	c := named(t, s, "Ann", "Lee", "ann")
	c2 := newCustomer()
	c2.ID = "xyzzy-" + shopifyID()
	c2.Note = "Quux note"
	c2.Tags = []string{"plugh"}
	c2.Addresses[0].City = "Frobozz"
	c2.Addresses[0].Company = "Grue Ltd"
	mustCreate(t, s, c2, nil)
	checkSearches(t, s, []searchCase{
		{"quux", nil},
		{"plugh", nil},
		{"frobozz", nil},
		{"grue", nil},
		{"xyzzy", nil},
		{c2.Phone, nil},
		{c2.MultipassIdentifier, nil},
		{"ann.", []*customerauth.Customer{c, c2}},
	})
}

// testListSearchLiteral: '%', '_' and '\' in Search are the characters
// themselves, not LIKE patterns or escapes.
func testListSearchLiteral(t *testing.T, s listerStore) {
	pct := named(t, s, "Ann", "50% off", "")
	under := named(t, s, "Ann", "a_b", "")
	back := named(t, s, "Ann", `back\slash`, "")
	escPct := named(t, s, "Ann", `100\%`, "")
	underMail := named(t, s, "Ann", "Lee", "under_score")
	// What a pattern would match instead.
	named(t, s, "Ann", "500 off", "")
	named(t, s, "Ann", "axb", "")
	named(t, s, "Ann", "backslash", "")
	named(t, s, "Ann", "a.b", "")
	checkSearches(t, s, []searchCase{
		{"%", []*customerauth.Customer{pct, escPct}},
		{"%%", nil},
		{"50%", []*customerauth.Customer{pct}},
		{"0%", []*customerauth.Customer{pct}},
		{"_", []*customerauth.Customer{under, underMail}},
		{"a_b", []*customerauth.Customer{under}},
		{"_b", []*customerauth.Customer{under}},
		{"r_s", []*customerauth.Customer{underMail}},
		{`\`, []*customerauth.Customer{back, escPct}},
		{`k\s`, []*customerauth.Customer{back}},
		{`\%`, []*customerauth.Customer{escPct}},
		{`\\`, nil},
		{`\_`, nil},
		{"[a]", nil},
		{"*", nil},
		{".*", nil},
	})
}

// testListFiltersAndPaging: State and Search together, paged with After,
// list exactly the customers matching both, each once, in order.
func testListFiltersAndPaging(t *testing.T, s listerStore) {
	var want []*customerauth.Customer
	for i := range 40 {
		c := newCustomer()
		if i%3 == 0 {
			c.ID = shopifyID()
		}
		if i%2 == 0 {
			c.LastName = "Needle-" + fmt.Sprint(i)
		}
		c.State = customerauth.StateDisabled
		if i%4 < 2 {
			c.State = customerauth.StateEnabled
		}
		mustCreate(t, s, c, nil)
		if i%2 == 0 && c.State == customerauth.StateEnabled {
			want = append(want, c)
		}
	}
	for _, limit := range []int{1, 3, len(want), 100} {
		got := listAll(t, s, customerauth.CustomerQuery{State: customerauth.StateEnabled, Search: "nEEDLE", Limit: limit})
		wantIDs(t, fmt.Sprintf("paging with State, Search and Limit %d", limit), got, sortedIDs(want...))
	}
}

// testListCopies: customers listed share no memory with the store.
func testListCopies(t *testing.T, s listerStore) {
	want := newCustomer()
	mustCreate(t, s, want, nil)
	got := list(t, s, customerauth.CustomerQuery{Limit: 10})
	if len(got) != 1 {
		t.Fatalf("ListCustomers listed %d customers, want 1", len(got))
	}
	mutate(got[0])
	wantCustomer(t, s, want)
	checkCustomer(t, "ListCustomers after changing what it returned", want, list(t, s, customerauth.CustomerQuery{Limit: 10})[0])
}

func testListCancelled(t *testing.T, s listerStore) {
	mustCreate(t, s, newCustomer(), nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err := s.ListCustomers(ctx, customerauth.CustomerQuery{Limit: 10})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ListCustomers with a cancelled context = %d customers, %v; want context.Canceled", len(got), err)
	}
}
