package main

import (
	"context"
	"testing"
	"time"
)

// TestScheduleArrivals checks that arrivals carry their planned times,
// 1/rate apart whenever they are taken, and that arrivals finding the
// backlog full are counted as errors rather than silently skipped.
func TestScheduleArrivals(t *testing.T) {
	r := newResults()
	jobs := make(chan time.Time, 5)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		scheduleArrivals(ctx, 1000, jobs, r)
		close(done)
	}()
	var planned []time.Time
	for range 5 {
		planned = append(planned, <-jobs)
	}
	for i := 1; i < len(planned); i++ {
		if d := planned[i].Sub(planned[i-1]); d != time.Millisecond {
			t.Errorf("arrival %d planned %s after the one before, want 1ms", i, d)
		}
	}
	// Nobody takes the jobs now: once 5 wait, the next ones are dropped.
	for r.errCount("api") == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	r.mu.Lock()
	defer r.mu.Unlock()
	if want := 5 + len(jobs) + r.errs["api"]; r.issued != want {
		t.Errorf("issued %d, want the %d taken, waiting or dropped", r.issued, want)
	}
}

func (r *results) errCount(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs[kind]
}
