package vfs

import (
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// File is a file or directory opened on an Fs. It implements afero.File and
// counts every byte its writes add to the file against the Fs's quota. Its
// methods are safe for concurrent use; Close may come from another goroutine
// (a killed session) while a Read or Write is running.
type File struct {
	v          *Fs
	f          *os.File
	name       string // as the client named it
	rel        string // root-relative, for errors
	appendMode bool
	writable   bool
	done       func() // ends the transfer hook

	mu       sync.Mutex
	pos      int64 // offset of the next Read or Write
	size     int64 // the file's size as far as this handle knows
	reserved int64 // bytes the counter granted and no write used yet
	ask      int64 // the next reservation's least size (0: ReserveChunk)
	begun    bool  // the counter's Begin succeeded; Close ends the change

	once     sync.Once
	closeErr error

	// closed and splicing let Close stop a splice that waits for the
	// client: spliceRound holds mu for the whole round, so Close must wake
	// it (through the connection's read deadline) before it can take mu.
	closed   atomic.Bool
	splicing atomic.Pointer[deadliner]
}

// deadliner is the connection a splice reads from.
type deadliner interface{ SetReadDeadline(time.Time) error }

// Name returns the name the file was opened with, never a host path.
func (f *File) Name() string { return f.name }

// Close closes the file, ends its transfer hook and returns to the counter
// what it reserved and did not write. Further calls return the first
// result.
func (f *File) Close() error {
	f.once.Do(func() { f.close(nil) })
	return f.closeErr
}

// CloseThen closes the file as Close does and runs then with Close's error
// once the descriptor is closed but before the counter's change ends: a
// temporary file renamed into place (or removed) by then stays marked, as
// a change under way, until it is, so a crash in between leaves it to the
// usage repair. If the file was closed already (a kill), then runs at
// once. It returns Close's error.
func (f *File) CloseThen(then func(closeErr error)) error {
	ran := false
	f.once.Do(func() {
		f.close(func() { ran = true; then(f.closeErr) })
	})
	if !ran {
		then(f.closeErr)
	}
	return f.closeErr
}

// close is Close's work, with then (nil for none) run between the
// descriptor's close and the end of the counter's change.
func (f *File) close(then func()) {
	// Closing first, without f.mu, makes a Read or Write blocked in
	// another goroutine return at once.
	f.closeErr = f.f.Close()
	f.closed.Store(true)
	if d := f.splicing.Load(); d != nil {
		_ = (*d).SetReadDeadline(time.Unix(1, 0))
	}
	if then != nil {
		then()
	}
	// Taking f.mu waits for that Read or Write to finish its
	// accounting, so that the release below includes it.
	f.mu.Lock()
	if f.begun {
		// A failure leaves the counter's mark behind: the usage is
		// then rescanned, as after a crash.
		_ = f.v.opts.Usage.End(f.rel, f.reserved)
		f.reserved, f.begun = 0, false
	}
	f.mu.Unlock()
	if f.done != nil {
		f.done()
	}
	f.v.forget(f)
}

// Read reads from the current offset.
func (f *File) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.f.Read(p)
	f.pos += int64(n)
	return n, err
}

// WriteTo copies the rest of the file to w. For a file opened read-only it
// hands the copy to os.File, which lets the kernel send a download straight
// to a socket (sendfile); Close still stops it, since closing the file makes
// the next chunk fail.
func (f *File) WriteTo(w io.Writer) (int64, error) {
	if f.writable {
		return io.Copy(w, onlyReader{f})
	}
	return f.f.WriteTo(w)
}

// onlyReader hides every method but Read, so io.Copy does not come back to
// WriteTo.
type onlyReader struct{ io.Reader }

// ReadAt reads at off without moving the offset.
func (f *File) ReadAt(p []byte, off int64) (int, error) { return f.f.ReadAt(p, off) }

// Seek moves the offset of the next Read or Write.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pos, err := f.f.Seek(offset, whence)
	if err == nil {
		f.pos = pos
	}
	return pos, err
}

// Write writes at the current offset (at the end in append mode). When the
// quota cannot hold all of p it writes what fits and returns a *QuotaError
// (wrapped in an *fs.PathError) with the count of bytes written.
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.appendMode {
		f.pos = f.size
	}
	n, err := f.writeAt(p, f.pos, f.f.Write)
	f.pos += int64(n)
	return n, err
}

// copyBufferSize is the most ReadFrom moves per read and write: Pure-FTPd's
// 512 KiB. io.Copy's default 32 KiB capped every socket read at 32 KiB.
const copyBufferSize = 512 << 10

// copyBuffers recycles ReadFrom's buffers. A fresh 512 KiB buffer per
// upload was a large allocation the runtime had to zero, then collect and
// return to the OS: most of the CPU of a 4 KiB upload (docs/benchmarks.md).
// Pointers to arrays keep Put from allocating a slice header.
var copyBuffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

// ReadFrom copies r to the file. io.Copy calls it for an upload. From a
// plain TCP connection the kernel moves the bytes itself (splice), in
// rounds that each reserve their quota first; otherwise (TLS, append mode)
// every chunk goes through Write. Either way the quota, the append mode and
// the usage accounting apply exactly as for any other write.
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	_, isConn := r.(syscall.Conn)
	if d, ok := r.(deadliner); ok && isConn && !f.appendMode {
		n, more, err := f.spliceFrom(r, d)
		if total = n; err != nil || !more {
			return total, err
		}
	}
	n, err := f.copyFrom(r)
	return total + n, err
}

// spliceRound is the most one splice round moves before its quota is
// settled: small enough that a login near its limit is not over-reserved
// for long (a Counter grants no more than the quota holds, and a round
// lasts well under a second at loopback rates), large enough that the
// settling costs nothing. The first round moves ReserveChunk and each next
// one twice as much: a small upload then reserves one chunk, which a
// Counter that keeps what files give back (internal/usage's leases) serves
// without a store write, instead of a whole round that it would have to
// give back to the store. A round past the lease's spare is a store write
// transaction: with 16 MiB rounds they were 3.5 % of a 1 GiB upload's CPU
// samples and a quarter of its thread sleeps (database/sql and the
// driver's goroutines per transaction); 64 MiB rounds make 20 per GiB
// instead of 68 (docs/benchmarks.md).
const spliceRound = 64 << 20

// spliceFrom moves r into the file through os.File.ReadFrom, which splices
// a socket into a file without copying through user space: one copy fewer
// than read and write, which is what lets parallel uploads reach the
// machine's limit. Each round reserves its bytes of quota first and takes
// back what it did not use. more is true when the quota is full and r may
// hold more: copyFrom then writes what fits and reports the QuotaError.
func (f *File) spliceFrom(r io.Reader, d deadliner) (total int64, more bool, err error) {
	f.splicing.Store(&d)
	defer f.splicing.Store(nil)
	for round := int64(ReserveChunk); ; round = min(2*round, spliceRound) {
		if f.closed.Load() { // Close may have missed the Store above
			return total, false, os.ErrClosed
		}
		n, granted, err := f.spliceRound(r, round)
		total += n
		switch {
		case err != nil:
			return total, false, err
		case granted == 0:
			return total, true, nil
		case n < granted:
			return total, false, nil // the client closed: end of upload
		}
	}
}

// spliceRound splices at most round bytes of r into the file under f.mu
// and settles the counter: the bytes that grew the file use the
// reservation, the rest of it is returned when the file closes.
func (f *File) spliceRound(r io.Reader, round int64) (n, granted int64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	granted = round
	if f.v.opts.Usage != nil {
		if err := f.reserve(max(f.pos+round-f.size, 0)); err != nil {
			return 0, 0, err
		}
		granted = min(round, max(f.size-f.pos, 0)+f.reserved)
	}
	if granted == 0 {
		return 0, 0, nil
	}
	n, err = f.f.ReadFrom(&io.LimitedReader{R: r, N: granted})
	grew := max(f.pos+n-f.size, 0)
	f.size += grew
	f.pos += n
	f.reserved = max(f.reserved-grew, 0)
	return n, granted, err
}

// recordBufferSize is the copy buffer for readers that are not a socket
// of their own: a TLS connection (Web Disk, FTPS) or an HTTP body over one
// gives at most one TLS record, 16 KiB, per read, so a 512 KiB buffer is
// 97 % unused. In the soak each Web Disk PUT held one (and refilled the
// pool after every GC cycle emptied it): 2.4 MB/s of the server's
// allocations and up to 50 × 512 KiB of live heap at the GC's marks.
const recordBufferSize = 64 << 10

var recordBuffers = sync.Pool{New: func() any { return new([recordBufferSize]byte) }}

// copyFrom copies r to the file through Write, in chunks as large as r can
// give: a socket's reads fill the 512 KiB buffer, other readers the 64 KiB
// one.
func (f *File) copyFrom(r io.Reader) (int64, error) {
	if _, socket := r.(syscall.Conn); socket {
		b := copyBuffers.Get().(*[copyBufferSize]byte)
		defer copyBuffers.Put(b)
		return f.copyThrough(r, b[:])
	}
	b := recordBuffers.Get().(*[recordBufferSize]byte)
	defer recordBuffers.Put(b)
	return f.copyThrough(r, b[:])
}

// copyThrough copies r to the file through Write, one read of buf at a
// time.
func (f *File) copyThrough(r io.Reader, buf []byte) (int64, error) {
	var total int64
	for {
		// One read per write, never waiting to fill the buffer: a slow
		// client's bytes reach the disk (and the quota) as they arrive.
		n, rerr := r.Read(buf)
		if n > 0 {
			w, werr := f.Write(buf[:n])
			total += int64(w)
			if werr != nil {
				return total, werr
			}
		}
		switch {
		case rerr == io.EOF:
			return total, nil
		case rerr != nil:
			return total, rerr
		}
	}
}

// WriteAt writes at off without moving the offset, under the quota as Write.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writeAt(p, off, func(b []byte) (int, error) { return f.f.WriteAt(b, off) })
}

// WriteString writes s like Write.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// writeAt writes p at off through w, the counter granting the bytes that
// grow the file; bytes that overwrite existing content are free. f.mu is
// held.
func (f *File) writeAt(p []byte, off int64, w func([]byte) (int, error)) (int, error) {
	growth := max(off+int64(len(p))-f.size, 0)
	if err := f.reserve(growth); err != nil {
		return 0, err
	}
	allowed := len(p) - int(growth-min(growth, f.reserved))
	if f.v.opts.Usage == nil {
		allowed = len(p)
	}
	n, err := w(p[:allowed])
	if n > 0 {
		grew := max(off+int64(n)-f.size, 0)
		f.size += grew
		f.reserved = max(f.reserved-grew, 0)
	}
	if err == nil && allowed < len(p) {
		err = &fs.PathError{Op: "write", Path: f.rel, Err: f.v.quotaError()}
	}
	return n, err
}

// reserve makes f.reserved cover growth bytes if the quota allows. The
// first ask is one ReserveChunk, each next one twice the last, up to
// spliceRound: a file written through Write (Web Disk and FTPS uploads come
// in 16 KiB TLS records) then asks 22 times per GiB instead of once per
// MiB, each ask past a lease's spare being a store write transaction
// (docs/benchmarks.md), and a small file still asks one chunk. f.mu is
// held.
func (f *File) reserve(growth int64) error {
	c := f.v.opts.Usage
	if c == nil || growth <= f.reserved {
		return nil
	}
	if f.closed.Load() {
		// Close has already returned the reservation: one taken now
		// would never be (a kill's Close racing a Write or Truncate).
		return &fs.PathError{Op: "write", Path: f.rel, Err: os.ErrClosed}
	}
	ask := max(f.ask, ReserveChunk)
	granted, err := c.Reserve(f.rel, max(growth-f.reserved, ask))
	if err != nil {
		return &fs.PathError{Op: "write", Path: f.rel, Err: err}
	}
	f.reserved += granted
	f.ask = min(2*ask, spliceRound)
	return nil
}

// Truncate changes the file's size; growing it needs quota.
func (f *File) Truncate(size int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.v.opts.Usage
	growth := max(size-f.size, 0)
	if err := f.reserve(growth); err != nil {
		return err
	}
	if c != nil && f.reserved < growth {
		return &fs.PathError{Op: "truncate", Path: f.rel, Err: f.v.quotaError()}
	}
	if err := f.f.Truncate(size); err != nil {
		return err
	}
	f.reserved -= growth
	if c != nil && size < f.size {
		if err := c.Release(f.rel, f.size-size); err != nil {
			f.size = size
			return &fs.PathError{Op: "truncate", Path: f.rel, Err: err}
		}
	}
	f.size = size
	return nil
}

// Readdir reads directory entries; symlinks are reported, not followed.
// A read of the whole directory (count ≤ 0) holds at most
// Options.MaxListEntries.
func (f *File) Readdir(count int) ([]fs.FileInfo, error) {
	if count > 0 {
		return f.f.Readdir(count)
	}
	return readWhole(f.rel, f.v.maxList(), f.f.Readdir)
}

// Readdirnames reads directory entry names, at most
// Options.MaxListEntries for a read of the whole directory (n ≤ 0).
func (f *File) Readdirnames(n int) ([]string, error) {
	if n > 0 {
		return f.f.Readdirnames(n)
	}
	return readWhole(f.rel, f.v.maxList(), f.f.Readdirnames)
}

// Stat returns the open file's information.
func (f *File) Stat() (fs.FileInfo, error) { return f.f.Stat() }

// Sync commits the file to stable storage.
func (f *File) Sync() error { return f.f.Sync() }

var _ afero.File = (*File)(nil)
