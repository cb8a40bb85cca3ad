package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Where the server's RSS goes. The kernel splits RSS into anonymous memory
// (RssAnon: the Go runtime's mappings and modernc's libc, which holds
// SQLite's page caches and statements) and file pages (RssFile: the
// binary's text and data, mapped files). The Go runtime says, with its
// /memory/classes/ metrics (go_memory_classes_*_bytes on /metrics), how
// much it has mapped (total) and how much of that it has already given back
// to the OS (heap released); the rest is resident or about to be, split into
// heap objects, free heap pages it keeps (heap free), the unused tails of
// heap spans, stacks, and its own metadata. RssAnon minus that rest is the
// memory Go does not manage: SQLite's, through modernc's libc allocator.

// Memory classes of the Go runtime, as the server's Go collector names them.
const (
	classTotal    = "go_memory_classes_total_bytes "
	classReleased = "go_memory_classes_heap_released_bytes "
	classFree     = "go_memory_classes_heap_free_bytes "
	classObjects  = "go_memory_classes_heap_objects_bytes "
	classUnused   = "go_memory_classes_heap_unused_bytes "
	classStacks   = "go_memory_classes_heap_stacks_bytes "
	classOS       = "go_memory_classes_os_stacks_bytes "
	classPrefix   = "go_memory_classes_"
)

// sqlConnsPrefix starts the line of the server's open database connections
// (its label names the dialect): with SQLite, each holds a page cache, the
// schema and prepared statements outside the Go heap.
const sqlConnsPrefix = "go_sql_open_connections{"

// procMemory is the kernel's split of a process's RSS, in bytes.
type procMemory struct{ anon, file int64 }

// readProcMemory reads RssAnon and RssFile of /proc/PID/status.
func readProcMemory(pid int) (procMemory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procMemory{}, err
	}
	defer f.Close()
	return parseProcStatus(f)
}

// parseProcStatus reads the RssAnon and RssFile lines of a status file.
func parseProcStatus(r io.Reader) (procMemory, error) {
	var m procMemory
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		switch key {
		case "RssAnon":
			m.anon = kb << 10
		case "RssFile":
			m.file = kb << 10
		}
	}
	return m, sc.Err()
}

// goMapped returns what the Go runtime holds from the OS: everything it
// mapped minus the heap pages it released (which the kernel no longer
// backs); false without the memory classes in the sample.
func (s serverSample) goMapped() (float64, bool) {
	total, ok1 := s.mem[classTotal]
	released, ok2 := s.mem[classReleased]
	return total - released, ok1 && ok2
}

// runtimeOther returns the Go runtime's memory that is neither heap nor
// goroutine stacks: metadata, OS thread stacks, profiling buckets, other.
func (s serverSample) runtimeOther() (float64, bool) {
	mapped, ok := s.goMapped()
	if !ok {
		return 0, false
	}
	return mapped - s.mem[classObjects] - s.mem[classFree] - s.mem[classUnused] - s.mem[classStacks], true
}

// nonGo returns the anonymous memory the Go runtime does not account for,
// in bytes: RssAnon minus what Go holds from the OS, both read at the
// metrics sample before r (RssAnon moves with the GC's cycles, seconds
// apart would mix two of them). Go's mapped pages that were never touched
// would count against it; the heap's are touched.
func (r rssSample) nonGo() (float64, bool) {
	mapped, ok := r.server.goMapped()
	if !ok || r.server.anon == 0 {
		return 0, false
	}
	return float64(r.server.anon) - mapped, true
}

// mibOr formats bytes in MiB, or "?" when not known.
func mibOr(v float64, ok bool) string {
	if !ok {
		return "?"
	}
	return fmt.Sprintf("%.1f", v/(1<<20))
}

// countOr formats a count, or "?" when not known.
func countOr(v float64, ok bool) string {
	if !ok {
		return "?"
	}
	return fmt.Sprintf("%.0f", v)
}
