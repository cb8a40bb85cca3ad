// Package homedir holds the operations the UAPI modules (Ftp, Email,
// WebDisk) share on an account's home directory: opening it as an os.Root,
// making directories inside it with an exact mode, the one table of the
// home layout (its directories and modes, which account creation makes and
// a module never removes), and turning a filesystem error into the reason a
// caller may see.
package homedir
