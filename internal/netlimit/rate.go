package netlimit

import (
	"io"
	"net/http"
	"time"
)

// Rate is the slowest a request body or a response may flow once under
// way: Stall is the longest wait for the next bytes (and the grace before
// the average counts), MinBytesPerSec the average it must keep after that.
// Zero fields turn their check off.
type Rate struct {
	Stall          time.Duration
	MinBytesPerSec int64
}

// MinRate makes every request body read and every response write of h
// meet r, with per-request deadlines on the connection (so a body sent a
// byte every few seconds is cut, while a large upload at any sane speed is
// not, unlike http.Server's ReadTimeout which bounds the whole request).
// A cut read or write fails and net/http closes the connection.
func MinRate(h http.Handler, r Rate) http.Handler {
	if r.Stall <= 0 && r.MinBytesPerSec <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rc := http.NewResponseController(w)
		start := time.Now()
		if req.Body != nil && req.Body != http.NoBody {
			// A copy: net/http looks at its own request's Body after the
			// handler (an unread Expect: 100-continue body closes the
			// connection instead of being waited for).
			req = req.WithContext(req.Context())
			req.Body = &rateBody{ReadCloser: req.Body, rc: rc, clock: rateClock{r: r, start: start}}
		}
		// net/http does not reset write deadlines between requests of a
		// connection: clear the last request's; bound the final flush.
		_ = rc.SetWriteDeadline(time.Time{})
		h.ServeHTTP(&rateWriter{ResponseWriter: w, rc: rc, clock: rateClock{r: r, start: start}}, req)
		// After the handler net/http may read what is left of the body (to
		// reuse the connection): that too must not wait forever.
		grace := r.Stall
		if grace <= 0 {
			grace = 10 * time.Second
		}
		end := time.Now().Add(grace)
		_ = rc.SetWriteDeadline(end)
		_ = rc.SetReadDeadline(end)
	})
}

// rateClock computes the deadline for the next bytes after n so far: the
// earlier of now+Stall and the time by which n bytes at the minimum
// average would have arrived (after one Stall of grace).
type rateClock struct {
	r     Rate
	start time.Time
	n     int64
}

func (c *rateClock) next() time.Time {
	now := time.Now()
	var d time.Time
	if c.r.Stall > 0 {
		d = now.Add(c.r.Stall)
	}
	if c.r.MinBytesPerSec > 0 {
		avg := c.start.Add(c.r.Stall + time.Duration(float64(c.n)/float64(c.r.MinBytesPerSec)*float64(time.Second)))
		if d.IsZero() || avg.Before(d) {
			d = avg
		}
	}
	return d
}

type rateBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	clock rateClock
}

// Read implements io.Reader under the rate's read deadline.
func (b *rateBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(b.clock.next())
	n, err := b.ReadCloser.Read(p)
	b.clock.n += int64(n)
	return n, err
}

type rateWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	clock rateClock
}

// Write implements io.Writer under the rate's write deadline.
func (w *rateWriter) Write(p []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(w.clock.next())
	n, err := w.ResponseWriter.Write(p)
	w.clock.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *rateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher when the writer below does.
func (w *rateWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
