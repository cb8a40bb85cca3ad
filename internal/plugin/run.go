package plugin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"time"

	"github.com/uapid/uapid/internal/liveapi"
	"github.com/uapid/uapid/internal/sandbox"
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

// job is one program a page runs.
type job struct {
	argv  []string
	dir   string
	env   []string // the program's whole environment
	stdin io.Reader
	sock  *liveapi.Socket
	binds []sandbox.Bind   // what it sees in the sandbox besides the system
	who   sandbox.Identity // the account's user in the sandbox; zero without one
}

// run runs j's program in its dir as the leader of a new process group
// (confined by the sandbox, when there is one), lets that group use its
// socket, and kills the whole group when ctx ends, when the program prints
// too much, and once it has exited (helpers it left behind die with the
// page).
func (s *Server) run(ctx context.Context, j *job) *result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := &capped{max: s.cfg.MaxOutput, strict: true, onFull: cancel}
	errOut := &capped{max: maxStderr}
	cmd, start, err := s.prepare(ctx, j)
	if err != nil {
		return &result{err: err}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = j.stdin, out, errOut
	cmd.Cancel = func() error {
		killGroup(cmd.Process.Pid)
		return nil
	}
	cmd.WaitDelay = waitDelay
	if err := start(); err != nil {
		return &result{err: err}
	}
	j.sock.AllowGroup(cmd.Process.Pid)
	err = cmd.Wait()
	killGroup(cmd.Process.Pid)
	return &result{stdout: out.buf.Bytes(), stderr: errOut.buf.Bytes(), err: err, overflow: out.full}
}

// prepare makes the command of a run and the function that starts it:
// through the sandbox when there is one, else as the daemon's user in a
// process group of its own.
func (s *Server) prepare(ctx context.Context, j *job) (*exec.Cmd, func() error, error) {
	if s.cfg.Sandbox == nil {
		cmd := exec.CommandContext(ctx, j.argv[0], j.argv[1:]...)
		cmd.Dir, cmd.Env = j.dir, j.env
		newProcessGroup(cmd)
		return cmd, cmd.Start, nil
	}
	r, err := s.cfg.Sandbox.Command(ctx, j.who, j.argv, j.dir, j.env, j.binds)
	if err != nil {
		return nil, nil, err
	}
	start := func() error {
		if err := r.Cmd.Start(); err != nil {
			r.Abort()
			return err
		}
		r.Started()
		return nil
	}
	return r.Cmd, start, nil
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
