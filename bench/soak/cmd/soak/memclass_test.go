package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tuapid\nVmRSS:\t  107388 kB\nRssAnon:\t   84836 kB\nRssFile:\t   22552 kB\nRssShmem:\t       0 kB\n"
	m, err := parseProcStatus(strings.NewReader(status))
	if err != nil || m.anon != 84836<<10 || m.file != 22552<<10 {
		t.Errorf("parseProcStatus = %+v, %v; want anon 84836 KiB, file 22552 KiB", m, err)
	}
}

// TestMemoryClasses checks that the sample keeps the runtime's memory
// classes and the pool's connections, and that Go held, runtime other and
// non-Go come out of them as the report's columns say.
func TestMemoryClasses(t *testing.T) {
	lines := []string{
		"go_memory_classes_total_bytes 1.048576e+08", // 100 MiB mapped
		"go_memory_classes_heap_released_bytes 2.097152e+07",
		"go_memory_classes_heap_free_bytes 1.048576e+07",
		"go_memory_classes_heap_objects_bytes 3.145728e+07",
		"go_memory_classes_heap_unused_bytes 5.24288e+06",
		"go_memory_classes_heap_stacks_bytes 1.048576e+07",
		`go_sql_open_connections{db_name="sqlite"} 16`,
	}
	s := parseServerSample(lines)
	s.anon = 90 << 20
	r := rssSample{server: s}
	for _, tc := range []struct {
		name string
		got  func() (float64, bool)
		want float64
	}{
		{"Go held", s.goMapped, 80 << 20},
		{"runtime other", s.runtimeOther, 80<<20 - 30<<20 - 10<<20 - 5<<20 - 10<<20},
		{"non-Go", r.nonGo, 10 << 20},
		{"SQL conns", func() (float64, bool) { v, ok := s.mem[sqlConnsPrefix]; return v, ok }, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := tc.got(); !ok || got != tc.want {
				t.Errorf("= %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
	if _, ok := (rssSample{server: parseServerSample(nil)}).nonGo(); ok {
		t.Error("non-Go known without the memory classes")
	}
}

// TestTroughGrowth checks that the report says which trough rose after
// the warm-up: here the non-Go memory, with Go's flat.
func TestTroughGrowth(t *testing.T) {
	sample := func(at time.Duration, goHeld, anon int64) rssSample {
		s := parseServerSample([]string{"go_memory_classes_total_bytes " + itoa(goHeld<<20),
			"go_memory_classes_heap_released_bytes 0", "go_memstats_heap_inuse_bytes " + itoa(40<<20)})
		s.anon = anon << 20
		return rssSample{at: at, rss: (anon + 22) << 20, server: s}
	}
	samples := []rssSample{sample(30*time.Second, 60, 60), sample(70*time.Second, 70, 78),
		sample(80*time.Second, 72, 80), sample(130*time.Second, 70, 83), sample(190*time.Second, 71, 90)}
	var b strings.Builder
	writeTroughGrowth(&b, samples, time.Minute)
	want := "Troughs from minute 1 to minute 3: RSS +12.0 MiB, heap in use +0.0, Go held +1.0, non-Go +11.0."
	if !strings.Contains(b.String(), want) {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	writeRSSMinutes(&b, samples)
	if row := "| 1 | 2 | 100.0 | 102.0 | 1.02 | 40.0–40.0 | 70.0–72.0 | 8.0–8.0 |"; !strings.Contains(b.String(), row) {
		t.Errorf("missing row %q in\n%s", row, b.String())
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
