package ftpserver

import (
	"slices"
	"testing"
)

// portList is a PasvPortGetter over a fixed list of listened ports (the
// exposed port is the listened one plus 10,000), repeated endlessly.
type portList struct {
	ports    []int
	attempts int
	next     int
	fetched  int
}

func (p *portList) FetchNext() (int, int, bool) {
	if len(p.ports) == 0 {
		return 0, 0, false
	}
	port := p.ports[p.next%len(p.ports)]
	p.next++
	p.fetched++
	return port + 10000, port, true
}

func (p *portList) NumberAttempts() int { return p.attempts }

// candidateList is v0.32.0's getPassivePortCandidates, the reference.
func candidateList(portMapping PasvPortGetter) []passivePortCandidate {
	nbAttempts := min(max(portMapping.NumberAttempts(), portSearchMinAttempts), portSearchMaxAttempts)
	result := make([]passivePortCandidate, 0, nbAttempts)
	tried := make(map[int]struct{}, nbAttempts)
	for i := 0; len(result) < nbAttempts && i < nbAttempts*4; i++ {
		exposedPort, listenedPort, ok := portMapping.FetchNext()
		if !ok {
			break
		}
		if _, ok := tried[listenedPort]; ok {
			continue
		}
		tried[listenedPort] = struct{}{}
		result = append(result, passivePortCandidate{exposedPort: exposedPort, listenedPort: listenedPort})
	}
	return result
}

func TestPassivePortCandidatesMatchList(t *testing.T) {
	many := make([]int, 2000)
	for i := range many {
		many[i] = 30000 + i
	}
	for _, tc := range []struct {
		name     string
		ports    []int
		attempts int
	}{
		{"none", nil, 64},
		{"one port", []int{2121}, 64},
		{"repeats", []int{1, 2, 1, 3, 2, 4}, 3},
		{"fewer than the minimum", []int{5, 6, 7}, 1},
		{"range of 64", many[:64], 64},
		{"more than the maximum", many, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := candidateList(&portList{ports: tc.ports, attempts: tc.attempts})
			got := slices.Collect(passivePortCandidates(&portList{ports: tc.ports, attempts: tc.attempts}))
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestPassivePortCandidatesLazy: taking the first candidate fetches one
// port and allocates nothing.
func TestPassivePortCandidatesLazy(t *testing.T) {
	p := &portList{ports: []int{1, 2, 3}, attempts: 64}
	allocs := testing.AllocsPerRun(100, func() {
		for range passivePortCandidates(p) {
			break
		}
	})
	if p.fetched != 101 || allocs != 0 {
		t.Errorf("101 first candidates fetched %d ports, %.0f allocations each", p.fetched, allocs)
	}
}
