package ftpd

import (
	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/uapid/uapid/internal/hosting"
)

// replySentinels is FTP's one table from a domain error code to its reply
// for a file action, as the ftpserverlib sentinel that selects it. Login
// refusals are not here: every one is the same 530 "Login authentication
// failed." (PostAuthMessage), whatever internal/auth's reason.
var replySentinels = map[string]error{
	hosting.EQUOTA: ftpserver.ErrStorageExceeded, // 552: the quota stopped the write
}
