package usermanager

import (
	"slices"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// snapshot is what UserManager knows about a hosting account's users, or
// about one name of it: read once per call, then grouped.
type snapshot struct {
	subs     []*hosting.Subaccount
	services []*serviceAccount // email, then FTP, then Web Disk
	notes    map[noteKey]*hosting.ServiceAnnotation
}

// noteKey finds the annotation on one service account.
type noteKey struct{ service, name string }

func newSnapshot(subs []*hosting.Subaccount, services []*serviceAccount, notes []*hosting.ServiceAnnotation) *snapshot {
	s := &snapshot{subs: subs, services: services, notes: make(map[noteKey]*hosting.ServiceAnnotation, len(notes))}
	for _, n := range notes {
		s.notes[noteKey{n.Service, n.FullUsername()}] = n
	}
	return s
}

// How a service account relates to the Subaccount of its name (SPEC 3.1).
type relation uint8

const (
	unlinked  relation = iota // a merge candidate, or a record of its own
	linked                    // one of the Subaccount's services
	dismissed                 // deliberately kept apart
)

// group is every user with one name (user@domain): the Subaccount, if any,
// and the service accounts in service order with their relation to it.
type group struct {
	name     string
	user     string
	domain   string
	sub      *hosting.Subaccount
	accounts []*serviceAccount
	rels     []relation
	unlinked int
	// A name has at most one account per service, so three fit without
	// allocating; append still copes with more.
	accountBuf [3]*serviceAccount
	relBuf     [3]relation
}

// groupAll sorts every Subaccount and service account of s into groups by
// name, in one pass over each with a hash map, and returns the groups
// ordered by name.
func groupAll(s *snapshot) []*group {
	most := len(s.subs) + len(s.services)
	byName := make(map[string]*group, most)
	order := make([]*group, 0, most)
	// One slab for every group: there are never more groups than inputs, so
	// it never grows and pointers into it stay valid.
	slab := make([]group, 0, most)
	get := func(name, user, domain string) *group {
		g := byName[name]
		if g == nil {
			slab = append(slab, group{name: name, user: user, domain: domain})
			g = &slab[len(slab)-1]
			g.accounts, g.rels = g.accountBuf[:0], g.relBuf[:0]
			byName[name] = g
			order = append(order, g)
		}
		return g
	}
	// Subaccounts first, so that each service account finds its group's
	// Subaccount already there.
	for _, sub := range s.subs {
		get(sub.FullUsername(), sub.User, sub.Domain).sub = sub
	}
	for _, sa := range s.services {
		g := get(sa.name(), sa.user, sa.domain)
		rel := s.relation(sa, g.name, g.sub)
		g.accounts, g.rels = append(g.accounts, sa), append(g.rels, rel)
		if rel == unlinked {
			g.unlinked++
		}
	}
	slices.SortFunc(order, func(a, b *group) int { return strings.Compare(a.name, b.name) })
	return order
}

// relation reads the annotation on sa. An annotation made on another
// account of the same name (an older id), or linking to a Subaccount that is
// not this name's, counts as none.
func (s *snapshot) relation(sa *serviceAccount, name string, sub *hosting.Subaccount) relation {
	n := s.notes[noteKey{sa.service, name}]
	switch {
	case n == nil || sa.id == 0 || n.ServiceID != sa.id:
		return unlinked
	case n.OwnerGUID != "" && sub != nil && n.OwnerGUID == sub.GUID:
		return linked
	case n.Dismissed:
		return dismissed
	}
	return unlinked
}

// individual reports whether the group's unlinked service accounts are
// listed as records of their own (SPEC 3.1 rule 3) rather than as merge
// candidates of a Subaccount or of a hypothetical one.
func (g *group) individual(flat bool) bool {
	if flat || (g.unlinked == 1 && g.sub == nil) {
		return true
	}
	for i, sa := range g.accounts {
		if g.rels[i] == unlinked && sa.special {
			return true
		}
	}
	return false
}

// builder turns groups into records.
type builder struct {
	acct  *hosting.Account
	now   time.Time
	guids *guids
	// parentTypes holds one pointer per parent type for every candidate
	// to share; records are only read once built.
	parentTypes map[string]*string
}

func newBuilder(acct *hosting.Account, now time.Time, host string) *builder {
	sub, hypo := TypeSub, TypeHypothetical
	return &builder{acct: acct, now: now, guids: newGUIDs(host, now),
		parentTypes: map[string]*string{TypeSub: &sub, TypeHypothetical: &hypo}}
}

// listRecords returns a group's records as list_users shows them: the
// Subaccount with its linked services, or the hypothetical Subaccount; then
// the service accounts listed on their own, dismissed ones included.
func (b *builder) listRecords(g *group, flat bool, out []*Record) []*Record {
	var head *Record
	individual := g.individual(flat)
	switch {
	case g.sub != nil:
		head = b.subRecord(g)
	case g.unlinked > 0 && !individual:
		head = hypotheticalRecord(g.user, g.domain, b.guids.next(g.user, g.domain, TypeHypothetical))
	}
	if head != nil {
		out = append(out, head)
	}
	for i, sa := range g.accounts {
		switch {
		case g.rels[i] == dismissed:
			r := b.serviceRecord(g, sa)
			r.Dismissed = 1
			out = append(out, r)
		case g.rels[i] == unlinked && individual:
			out = append(out, b.serviceRecord(g, sa))
		case g.rels[i] == unlinked:
			head.MergeCandidates = append(head.MergeCandidates, b.candidate(g, sa, head.Type))
		}
	}
	return out
}

// lookupRecord returns the group as lookup_user and check_account_conflicts
// show it: the Subaccount (or a hypothetical one) with every unlinked
// service account as a merge candidate and every dismissed one as a
// dismissed merge candidate.
func (b *builder) lookupRecord(g *group) *Record {
	var head *Record
	if g.sub != nil {
		head = b.subRecord(g)
	} else {
		head = hypotheticalRecord(g.user, g.domain, b.guids.next(g.user, g.domain, TypeHypothetical))
	}
	for i, sa := range g.accounts {
		switch g.rels[i] {
		case unlinked:
			head.MergeCandidates = append(head.MergeCandidates, b.candidate(g, sa, head.Type))
		case dismissed:
			r := b.candidate(g, sa, head.Type)
			r.Dismissed = 1
			head.DismissedMergeCandidates = append(head.DismissedMergeCandidates, r)
		}
	}
	return head
}

// subRecord is the group's Subaccount with its linked services and their
// issues.
func (b *builder) subRecord(g *group) *Record {
	r := subRecord(g.sub, b.now)
	for i, sa := range g.accounts {
		if g.rels[i] == linked {
			r.Services.set(sa)
			r.Issues = append(r.Issues, sa.issues...)
		}
	}
	return r
}

// serviceRecord is one of the group's service accounts on its own.
func (b *builder) serviceRecord(g *group, sa *serviceAccount) *Record {
	r := serviceRecord(sa, b.guids.next(sa.user, sa.domain, TypeService))
	r.SubAccountExists = b2i(g.sub != nil)
	r.HasSiblings = b2i(len(g.accounts) > 1)
	return r
}

// candidate is a service account shown inside its would-be Subaccount.
func (b *builder) candidate(g *group, sa *serviceAccount, parent string) *Record {
	r := b.serviceRecord(g, sa)
	r.ParentType = b.parentTypes[parent]
	return r
}

// listUsers is list_users' data: every group's records ordered by name,
// then the cpanel record.
func (b *builder) listUsers(s *snapshot, flat bool) []*Record {
	groups := groupAll(s)
	out := make([]*Record, 0, len(s.services)+len(s.subs)+1)
	for _, g := range groups {
		out = b.listRecords(g, flat, out)
	}
	return append(out, cpanelRecord(b.acct, b.guids.next(b.acct.Name, "", TypeCPanel)))
}
