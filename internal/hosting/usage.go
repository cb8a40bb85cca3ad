package hosting

import (
	"context"
	"time"
)

// Directories of an account home whose usage is counted as files change,
// relative to the home: the home itself (the main and _logs FTP logins)
// and public_ftp (anonymous FTP).
const (
	UsageHome      = ""
	UsagePublicFTP = "public_ftp"
)

// UsageDirs returns the directories counted for every account.
func UsageDirs() []string { return []string{UsageHome, UsagePublicFTP} }

// UsageScope names the counters one change feeds: the account's counted
// directories that hold the changed file, and the virtual FTP login whose
// quota applies (0 for none).
type UsageScope struct {
	AccountID int64
	Dirs      []string // a subset of UsageDirs
	FTPID     int64
}

// UsageChange is one change of disk usage, applied in one transaction.
type UsageChange struct {
	Scope UsageScope
	// Reserve asks to count up to Reserve more bytes before they are
	// written; the login's quota may grant fewer.
	Reserve int64
	// Release uncounts bytes freed or reserved and not written (never
	// below zero).
	Release int64
	// More uncounts bytes in other scopes of the same account, in the
	// same transaction: a lease settling gives back the pool of each of
	// its scopes with its unmark in one write.
	More []UsageRelease
	// Node is the process whose change this is, and Mark +1 records that
	// it begins a change (a durable mark that a crash leaves behind), -1
	// that it ended one cleanly; 0 leaves the marks alone.
	Node int64
	Mark int
	// TempFile names (relative to the home) a temporary file that a
	// change under Node's mark writes and then renames into place or
	// removes (a Web Disk PUT); it is recorded until the mark goes (the
	// node unmarks the account's last change, or SetUsage clears it). A
	// crash leaves it recorded, and the rescan that repairs the dead
	// node's mark removes the file, so that no walk has to look for it.
	TempFile string
	// ForgetTempFiles lists temporary files recorded under Node's mark
	// that were since renamed into place or removed: their records go,
	// so that a mark kept for long by a busy account does not keep a
	// record of every upload it ever made.
	ForgetTempFiles []string
	// Epoch, when set, fences the change: it applies only while Node's
	// mark on the account is still the one taken at Epoch (the Epoch of
	// the grant that took it). A mark that another node reclaimed (it
	// took Node for dead and rescanned the account) fails the change
	// with ErrMarkReclaimed, and nothing of it is applied.
	Epoch int64
}

// UsageRelease uncounts N bytes in Scope (see UsageChange.More).
type UsageRelease struct {
	Scope UsageScope
	N     int64
}

// UsageGrant is what one UsageChange was granted.
type UsageGrant struct {
	// Reserved is how many bytes of the change's Reserve were counted.
	Reserved int64
	// Room is how many bytes the FTP login's quota still leaves free after
	// a change that reserved some: math.MaxInt64 when no quota applies (no
	// login, no quota, a deleted login); 0 when the change reserved none.
	Room int64
	// Epoch names the mark a change with Mark +1 took or joined; later
	// changes under that mark pass it as UsageChange.Epoch.
	Epoch int64
}

// ErrMarkReclaimed is returned by a fenced UsageChange whose mark is no
// longer in the store: another node took this one for dead, rescanned the
// account and removed the mark. Nothing of the change was applied.
var ErrMarkReclaimed = &Error{Code: ECONFLICT, Message: "usage mark reclaimed by another node"}

// ErrUsageMoved is returned by SetUsage when the rescan's counts may not
// hold: a mark was taken on the account after its walk began, or a live
// node other than the rescanning one holds a mark on it. Nothing was
// stored; the rescan walks again later.
var ErrUsageMoved = &Error{Code: ECONFLICT, Message: "usage of the account changed during the rescan"}

// UsageFence is the point a rescan's walk began at, which SetUsage checks
// in its transaction: the account's mark generation then (see
// UsageStore.UsageHolders), the rescanning node (whose own changes the
// rescan has waited for) and the oldest heartbeat of a live node; Clear
// lists the marks of dead nodes that the rescan repairs.
type UsageFence struct {
	Generation int64
	Self       int64
	LiveSince  time.Time
	Clear      []UsageMark
}

// UploadTempPrefix starts the base name of the temporary file a Web Disk
// PUT writes before it renames it into place. Only files so named are
// recorded as TempFile, and only they are removed by a repair.
const UploadTempPrefix = ".uapid-put-"

// UsageCounts are the counted bytes of an account.
type UsageCounts struct {
	Dirs      map[string]int64 // by UsageDirs entry
	FTP       map[int64]int64  // by FTP account id
	ScannedAt time.Time        // zero: never scanned, the counts may be incomplete
}

// HomeUsage is the count of an account's home.
type HomeUsage struct {
	Used    int64
	Scanned bool // false: never rescanned, the count holds only what changed since
}

// UsageMark is an account with changes begun by a node that is no longer
// live: they did not end cleanly, so the account needs a rescan.
type UsageMark struct {
	Node      int64
	AccountID int64
}

// UsageStore keeps the disk-usage counters and the marks of changes in
// progress.
type UsageStore interface {
	// ChangeUsage applies c and returns what it granted of c.Reserve: all
	// of it, or less when the FTP login's quota is reached. Deleted logins
	// and accounts are skipped.
	ChangeUsage(ctx context.Context, c UsageChange) (UsageGrant, error)
	// UsageCounts returns the account's counters.
	UsageCounts(ctx context.Context, accountID int64) (UsageCounts, error)
	// SetUsage replaces the account's counters with a rescan's result
	// (FTP logins missing from c keep their count) and removes f.Clear's
	// marks, with the temporary files recorded with them, unless a mark
	// was taken on the account since f.Generation or a live node other
	// than f.Self holds one: then it returns ErrUsageMoved and changes
	// nothing.
	SetUsage(ctx context.Context, accountID int64, c UsageCounts, f UsageFence) error
	// UsageHolders returns the account's mark generation, which every
	// mark taken on it moves on, and then the live nodes (heartbeat at or
	// after liveSince) other than self that hold a mark on it. A rescan
	// walks only when none does, and stores only if the generation has
	// not moved (SetUsage).
	UsageHolders(ctx context.Context, accountID, self int64, liveSince time.Time) (generation int64, held []int64, err error)
	// StaleUsageMarks returns the marks of nodes other than self whose
	// heartbeat is older than liveSince (or that have no row in nodes).
	StaleUsageMarks(ctx context.Context, self int64, liveSince time.Time) ([]UsageMark, error)
	// UsageTempFiles returns the temporary files recorded with marks (by
	// their node, on their account), relative to the home.
	UsageTempFiles(ctx context.Context, marks []UsageMark) ([]string, error)
	// HomeUsage returns the home counts of the accounts in ids, in one
	// query; an account with no count yet is missing from the map.
	HomeUsage(ctx context.Context, ids []int64) (map[int64]HomeUsage, error)
	// UnscannedAccounts returns the ids of the accounts whose counters were
	// never set by a rescan.
	UnscannedAccounts(ctx context.Context) ([]int64, error)
}
