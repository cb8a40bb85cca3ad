package harness

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Progress reports what the benchmark is doing, on standard error so that
// standard output is only the report.
func Progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// Rates formats transfer times of size bytes as MB/s (10^6 bytes).
func Rates(size int64, times []time.Duration) string {
	mbs := func(d time.Duration) string { return fmt.Sprintf("%.0f", float64(size)/1e6/d.Seconds()) }
	slices.Sort(times)
	if len(times) == 1 {
		return mbs(times[0])
	}
	// The slowest time is the lowest rate.
	return fmt.Sprintf("%s (%s–%s)", mbs(Percentile(times, 50)), mbs(times[len(times)-1]), mbs(times[0]))
}

// FreeAddr returns a 127.0.0.1 address with a port that was free just now.
func FreeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:0"
	}
	defer l.Close()
	return l.Addr().String()
}

// CommandOutput runs a command for its first line of output, for the report.
func CommandOutput(ctx context.Context, env []string, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil && len(out) == 0 {
		return "unknown (" + err.Error() + ")"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first
}

// Main runs a benchmark program: run gets a context that Ctrl-C or SIGTERM
// ends (so every server is stopped and every file removed), and an error
// is printed as "name: err" with exit status 1.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Phases parses a comma-separated -run list against the known names.
func Phases(list string, known []string) (map[string]bool, error) {
	phases := make(map[string]bool)
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(known, p) {
			return nil, fmt.Errorf("unknown measurement %q in -run (have %s)", p, strings.Join(known, ", "))
		}
		phases[p] = true
	}
	return phases, nil
}
