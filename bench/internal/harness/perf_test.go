package harness

import (
	"slices"
	"testing"
)

func TestPerfArgs(t *testing.T) {
	tests := []struct {
		name     string
		p        Profiler
		wantArgs []string
		wantOut  string
	}{
		{
			name: "samples by default",
			p:    Profiler{Dir: "/p"},
			wantArgs: []string{"record", "-q", "-e", "cpu-clock", "-F", "1999", "-g", "-p", "1,2",
				"-o", "/p/pure-ftpd-small_files.data"},
			wantOut: "/p/pure-ftpd-small_files.data",
		},
		{
			name:     "counts the events asked for",
			p:        Profiler{Dir: "/p", Events: "syscalls:sys_enter_splice,context-switches"},
			wantArgs: []string{"stat", "-e", "syscalls:sys_enter_splice,context-switches", "-p", "1,2", "-o", "/p/pure-ftpd-small_files.txt"},
			wantOut:  "/p/pure-ftpd-small_files.txt",
		},
		{
			name: "records the event asked for",
			p:    Profiler{Dir: "/p", Sample: "sched:sched_switch"},
			wantArgs: []string{"record", "-q", "-e", "sched:sched_switch", "-g", "-p", "1,2",
				"-o", "/p/pure-ftpd-small_files.data"},
			wantOut: "/p/pure-ftpd-small_files.data",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, out := tt.p.perfArgs("pure-ftpd", "small files", []string{"1", "2"})
			if !slices.Equal(args, tt.wantArgs) || out != tt.wantOut {
				t.Errorf("perfArgs = %q, %q; want %q, %q", args, out, tt.wantArgs, tt.wantOut)
			}
		})
	}
}
