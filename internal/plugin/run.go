package plugin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"time"

	"github.com/uapid/uapid/internal/liveapi"
)

// maxStderr bounds what is kept of a program's standard error for the log.
const maxStderr = 16 << 10

// waitDelay is how long Wait waits for the output pipes after the program
// ended or was killed: a grandchild that kept them open cannot hold the
// page.
const waitDelay = 2 * time.Second

// result is one run of a program.
type result struct {
	stdout   []byte
	stderr   []byte
	err      error // the program did not start, failed, or was killed
	timedOut bool  // the page's time ran out
	overflow bool  // it printed more than MaxOutput
}

// run runs argv in dir as the leader of a new process group, lets that
// group use sock, and kills the whole group when ctx ends, when the
// program prints too much, and once it has exited (helpers it left behind
// die with the page).
func (s *Server) run(ctx context.Context, argv []string, dir string, env []string, stdin io.Reader, sock *liveapi.Socket) *result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := &capped{max: s.cfg.MaxOutput, strict: true, onFull: cancel}
	errOut := &capped{max: maxStderr}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = dir, env, stdin, out, errOut
	newProcessGroup(cmd)
	cmd.WaitDelay = waitDelay
	if err := cmd.Start(); err != nil {
		return &result{err: err}
	}
	sock.AllowGroup(cmd.Process.Pid)
	err := cmd.Wait()
	killGroup(cmd.Process.Pid)
	return &result{stdout: out.buf.Bytes(), stderr: errOut.buf.Bytes(), err: err, overflow: out.full}
}

// errTooMuchOutput stops the copy of a program's output past the limit.
var errTooMuchOutput = errors.New("plugin: the program printed more than the limit")

// capped keeps at most max bytes. A strict one fails the write past the
// limit and calls onFull (which kills the program); a lenient one drops
// the rest, so a chatty standard error never stops a program.
type capped struct {
	buf    bytes.Buffer
	max    int64
	strict bool
	full   bool
	onFull func()
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - int64(c.buf.Len())
	if int64(len(p)) <= room {
		return c.buf.Write(p)
	}
	c.buf.Write(p[:max(room, 0)])
	if !c.strict {
		return len(p), nil
	}
	if !c.full && c.onFull != nil {
		c.onFull()
	}
	c.full = true
	return 0, errTooMuchOutput
}
