package limiter

import (
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestLimiter() (*Limiter, *clock) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	cfg := Config{
		PerAddress: Rule{MaxFailures: 3, Window: time.Minute, Block: 10 * time.Minute},
		PerAccount: Rule{MaxFailures: 5, Window: time.Minute, Block: 10 * time.Minute},
	}
	return New(cfg, c.now), c
}

func TestAddressBlockedAfterFailures(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter()
	for i := 0; i < 3; i++ {
		if !l.Allowed("10.0.0.1", "bob") {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Failure("10.0.0.1", "bob")
	}
	if l.Allowed("10.0.0.1", "alice") {
		t.Error("address not blocked after 3 failures")
	}
	if !l.Allowed("10.0.0.2", "bob") {
		t.Error("another address is blocked for an account below its limit")
	}
	c.t = c.t.Add(11 * time.Minute)
	if !l.Allowed("10.0.0.1", "alice") {
		t.Error("block did not expire")
	}
}

func TestAccountBlockedAcrossAddresses(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter()
	for i := 0; i < 5; i++ {
		l.Failure(fmt.Sprintf("10.0.1.%d", i), "bob")
	}
	if l.Allowed("10.0.2.1", "bob") {
		t.Error("account not blocked after failures from many addresses")
	}
	if !l.Allowed("10.0.2.1", "alice") {
		t.Error("another account is blocked")
	}
}

func TestWindowExpiresFailures(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter()
	l.Failure("10.0.0.1", "")
	l.Failure("10.0.0.1", "")
	c.t = c.t.Add(2 * time.Minute)
	l.Failure("10.0.0.1", "")
	if !l.Allowed("10.0.0.1", "") {
		t.Error("failures outside the window counted")
	}
}

func TestSuccessResetsAccountOnly(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter()
	for i := 0; i < 4; i++ {
		l.Failure(fmt.Sprintf("10.0.3.%d", i), "bob")
	}
	l.Success("bob")
	l.Failure("10.0.4.1", "bob")
	if !l.Allowed("10.0.4.2", "bob") {
		t.Error("success did not reset the account's count")
	}
	l.Failure("10.9.9.9", "x")
	l.Failure("10.9.9.9", "y")
	l.Success("z")
	l.Failure("10.9.9.9", "z")
	if l.Allowed("10.9.9.9", "z") {
		t.Error("a success reset the address count")
	}
}

func TestPruneKeepsBlocked(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter()
	for i := 0; i < 3; i++ {
		l.Failure("10.0.0.1", "")
	}
	for i := 0; i < 5000; i++ {
		l.Failure(fmt.Sprintf("192.0.%d.%d", i/256, i%256), "")
		c.t = c.t.Add(time.Millisecond)
	}
	if l.Allowed("10.0.0.1", "") {
		t.Error("pruning dropped a live block")
	}
	if len(l.entries) > 6000 {
		t.Errorf("%d entries kept", len(l.entries))
	}
}
