package cluster

import (
	"encoding/json"
	"testing"
)

func TestParseKill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload string
		want          killMessage
		wantErr       bool
	}{
		{"all of an account", `{"node":2,"account":5}`, killMessage{Node: 2, Account: 5}, false},
		{"one login", `{"node":2,"account":5,"login":"bob@example.com"}`, killMessage{Node: 2, Account: 5, Login: "bob@example.com"}, false},
		{"one session", `{"node":2,"account":5,"session":4294967295}`, killMessage{Node: 2, Account: 5, Session: 1<<32 - 1}, false},
		{"no account", `{"node":2,"session":3}`, killMessage{}, true},
		{"no node", `{"account":5}`, killMessage{}, true},
		{"negative account", `{"node":2,"account":-5}`, killMessage{}, true},
		{"session of another node", `{"node":2,"account":5,"session":4294967296}`, killMessage{}, true},
		{"not json", `kill everything`, killMessage{}, true},
		{"ftp with a sender", `{"node":2,"account":5,"from":3}`, killMessage{}, true},
		{"web disk account", `{"proto":"webdisk","from":3,"account":5}`, killMessage{Proto: "webdisk", From: 3, Account: 5}, false},
		{"web disk login", `{"proto":"webdisk","from":3,"account":5,"login":"bob@example.com"}`,
			killMessage{Proto: "webdisk", From: 3, Account: 5, Login: "bob@example.com"}, false},
		{"web disk without sender", `{"proto":"webdisk","account":5}`, killMessage{}, true},
		{"web disk to one node", `{"proto":"webdisk","from":3,"node":2,"account":5}`, killMessage{}, true},
		{"web disk session", `{"proto":"webdisk","from":3,"account":5,"session":1}`, killMessage{}, true},
		{"unknown protocol", `{"proto":"smtp","node":2,"account":5}`, killMessage{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKill(tt.payload)
			if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
				t.Fatalf("parseKill = %+v, %v", got, err)
			}
		})
	}
}

// FuzzParseKill: whatever arrives on the channel, an accepted message names
// one node and one account, and a session inside a node's id space.
func FuzzParseKill(f *testing.F) {
	for _, s := range []string{`{"node":2,"account":5}`, `{"node":1,"account":1,"login":"x","session":9}`, `[]`, `{"account":1e99}`, `{"proto":"webdisk","from":1,"account":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		m, err := parseKill(payload)
		if err != nil {
			return
		}
		ftp := m.Proto == "" && m.Node > 0 && m.From == 0
		webdisk := m.Proto == protoWebDisk && m.Node == 0 && m.From > 0 && m.Session == 0
		if !(ftp || webdisk) || m.Account <= 0 || m.Session < 0 || m.Session >= 1<<localBits {
			t.Fatalf("accepted %q as %+v", payload, m)
		}
		b, _ := json.Marshal(m)
		if again, err := parseKill(string(b)); err != nil || again != m {
			t.Fatalf("round trip of %+v: %+v, %v", m, again, err)
		}
	})
}
