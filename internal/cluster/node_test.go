package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults", Config{}, ""},
		{"named", Config{Name: "web-1.example"}, ""},
		{"fast", Config{HeartbeatInterval: 100 * time.Millisecond, DeadAfter: 2 * time.Second}, ""},
		{"negative", Config{KillWait: -time.Second}, "negative"},
		{"dead before two beats", Config{HeartbeatInterval: 5 * time.Second, DeadAfter: 8 * time.Second}, "two heartbeats"},
		{"dead under 2s", Config{HeartbeatInterval: 100 * time.Millisecond, DeadAfter: time.Second}, "two heartbeats"},
		{"name too long", Config{Name: strings.Repeat("n", 64)}, "not 1-63"},
		{"name with newline", Config{Name: "a\nb"}, "not 1-63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			err := cfg.validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("validate = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Name == "" || cfg.HeartbeatInterval <= 0 || cfg.DeadAfter <= 0 || cfg.StatusDelay <= 0 || cfg.KillWait <= 0 {
				t.Fatalf("defaults not filled in: %+v", cfg)
			}
		})
	}
	a, b := Config{}, Config{}
	_, _ = a.validate(), b.validate()
	if a.Name == b.Name || !strings.HasPrefix(a.Name, "node-") {
		t.Fatalf("random names %q and %q", a.Name, b.Name)
	}
}

// TestPID: a session id names its node and its id in the node's process,
// whatever the process id.
func TestPID(t *testing.T) {
	t.Parallel()
	n := &Node{id: 7, shared: true}
	for _, local := range []int64{1, 42, 1<<32 - 1} {
		pid := n.pid(local)
		if nodeOf(pid) != 7 || localOf(pid) != local || pid <= 0 {
			t.Errorf("pid(%d) = %d: node %d, local %d", local, pid, nodeOf(pid), localOf(pid))
		}
	}
	if (&Node{id: 7}).pid(42) != 42 {
		t.Error("a node on SQLite changed a session id")
	}
	if top := (&Node{id: 1<<31 - 1, shared: true}).pid(1<<32 - 1); top <= 0 {
		t.Errorf("highest pid %d overflows", top)
	}
}
