// Package vfs is the one jailed file layer of uapid: FTP, Web Disk and the
// API's disk-usage functions reach an account's files only through it.
//
// An Fs is an afero.Fs over an os.Root, so every path resolution, symlinks
// included, stays inside the root directory: the kernel resolves each
// component relative to the root's descriptor and refuses any step out of
// it. From an Fs's second open on, files are opened with one openat2
// (RESOLVE_BENEATH) from the root's descriptor instead of os.Root's walk,
// the same jail in one system call (beneath_linux.go). On top of that the Fs adds what the protocols share: a read-only
// mode, upload-only drop boxes (anonymous FTP's incoming/), a Counter that every
// change of a file goes through (bytes reserved before they are written,
// within a quota; freed bytes returned; each change begun and ended, so
// that internal/usage can leave a durable mark a crash leaves behind), and
// hooks that tell the protocol adapter which file a transfer is moving.
package vfs
