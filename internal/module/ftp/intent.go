package ftp

import (
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
)

// kindDestroy is the intent of delete_ftp with destroy: the login's row is
// deleted with the intent in one transaction, then its directory is
// removed (unless another login's root lies in it), then the intent goes.
// A crash in between leaves the intent, and the repair removes the
// directory: the deletion is completed, never undone.
const kindDestroy = "ftp.destroy"

// kindNewDir is the intent of add_ftp and set_homedir when they make a
// directory: it is stored before the directory is made and goes once the
// login's row is committed (or the directory removed again). The repair of
// one a crash left keeps the directory if a login's root lies in it (the
// commit happened) and removes it otherwise.
const kindNewDir = "ftp.newdir"

// UseJournal makes delete_ftp's destroy and the directories add_ftp and
// set_homedir make crash-safe with j and registers their repairs. Call it
// before the service is used.
func (s *Service) UseJournal(j *intent.Journal, accounts svcacct.AccountFinder) {
	s.dirs.UseJournal(j, accounts)
}
