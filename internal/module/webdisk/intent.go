package webdisk

import (
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
)

// kindDestroy is the intent of delete_user with destroy: the login's row is
// deleted with the intent in one transaction, then its directory is
// removed (unless another login's directory lies in it), then the intent
// goes. The repair of one a crash left removes the directory.
const kindDestroy = "webdisk.destroy"

// kindNewDir is the intent of add_user and set_homedir when they make a
// directory: stored before it is made, gone once the login's row is
// committed (or the directory removed again). The repair of one a crash
// left keeps the directory if a login's lies in it, else removes it.
const kindNewDir = "webdisk.newdir"

// UseJournal makes delete_user's destroy and the directories add_user and
// set_homedir make crash-safe with j and registers their repairs. Call it
// before the service is used.
func (s *Service) UseJournal(j *intent.Journal, accounts svcacct.AccountFinder) {
	s.dirs.UseJournal(j, accounts)
}
