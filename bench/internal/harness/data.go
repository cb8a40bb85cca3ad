package harness

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"sync"
)

// Pattern is size bytes made of one random 1 MiB block repeated, so that
// nothing on the way can compress or skip it and the client allocates
// nothing per byte.
type Pattern struct {
	block []byte
	off   int64
	size  int64
}

// patternBlock is the one block every Pattern repeats, made once: a soak's
// clients start thousands of transfers, and filling 1 MiB from ChaCha8 for
// each was 15 % of the load generator's CPU, taken from the server it shares
// the machine with. Patterns only read it.
var patternBlock = sync.OnceValue(func() []byte {
	block := make([]byte, 1<<20)
	r := rand.NewChaCha8([32]byte{'u', 'a', 'p', 'i', 'd'})
	_, _ = r.Read(block)
	return block
})

// NewPattern returns a Pattern of size bytes.
func NewPattern(size int64) *Pattern {
	return &Pattern{block: patternBlock(), size: size}
}

// Read implements io.Reader.
func (p *Pattern) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	at := p.off % int64(len(p.block))
	n := copy(b[:min(int64(len(b)), p.size-p.off)], p.block[at:])
	p.off += int64(n)
	return n, nil
}

// WriteFile makes name, size bytes of the pattern, readable by everyone.
func WriteFile(name string, size int64) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, NewPattern(size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = errors.New("short write")
	}
	return err
}

// Drain reads r to its end in 1 MiB reads: io.Discard would read 8 KiB at a
// time and make the client the bottleneck.
func Drain(r io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	var total int64
	for {
		n, err := r.Read(buf)
		total += int64(n)
		if err == io.EOF {
			return total, nil
		} else if err != nil {
			return total, err
		}
	}
}
