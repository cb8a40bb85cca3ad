package harness

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Report collects the measurements as rows of a Markdown table with one
// column per server, plus what a reader needs to judge them: the machine,
// the versions, the load during each measurement and anything that failed.
type Report struct {
	started time.Time
	columns []string
	rows    []*row
	header  []string
	loads   []string
	notes   []string
}

type row struct {
	what  string
	cells map[string]string
}

func NewReport() *Report { return &Report{started: time.Now()} }

// Column adds a server's column.
func (r *Report) Column(name string) { r.columns = append(r.columns, name) }

// Set fills one cell; rows keep the order in which they first appear.
func (r *Report) Set(what, column, value string) {
	for _, x := range r.rows {
		if x.what == what {
			x.cells[column] = value
			return
		}
	}
	r.rows = append(r.rows, &row{what: what, cells: map[string]string{column: value}})
}

// Note adds a line below the table.
func (r *Report) Note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// Load records the load average when a measurement starts: the machine is
// shared, and a busy one makes every number worse.
func (r *Report) Load(phase string) {
	b, err := os.ReadFile("/proc/loadavg")
	avg := "unknown"
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		avg = strings.Join(f[:3], " ")
	}
	r.loads = append(r.loads, fmt.Sprintf("%s %s", phase, avg))
}

// Describe records the machine and the servers' versions (a line each).
func (r *Report) Describe(versions ...string) {
	r.header = append(r.header,
		fmt.Sprintf("machine: %d CPUs (%s), %s RAM, Linux %s, %s", runtime.NumCPU(), cpuModel(), memTotal(),
			kernel(), runtime.Version()),
		fmt.Sprintf("run: %s, %s", r.started.UTC().Format(time.RFC3339), time.Since(r.started).Round(time.Second)),
		"load average (1, 5, 15 min) at the start of each measurement: "+strings.Join(r.loads, "; "))
	r.header = append(r.header, versions...)
}

// Write prints the report as Markdown.
func (r *Report) Write(w io.Writer) {
	for _, h := range r.header {
		fmt.Fprintf(w, "- %s\n", h)
	}
	fmt.Fprintf(w, "\n| measurement | %s |\n|---|%s\n", strings.Join(r.columns, " | "),
		strings.Repeat("---|", len(r.columns)))
	for _, x := range r.rows {
		cells := make([]string, len(r.columns))
		for i, c := range r.columns {
			if cells[i] = x.cells[c]; cells[i] == "" {
				cells[i] = "—"
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", x.what, strings.Join(cells, " | "))
	}
	if len(r.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.0f GiB", float64(si.Totalram)*float64(si.Unit)/(1<<30))
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// MS formats a duration in milliseconds.
func MS(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// Percentile returns the p-th percentile (0–100) of sorted durations,
// nearest rank.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}
