package limiter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/limiter"
)

// BenchmarkLogin measures what the limiter costs a login on each store:
// a failed password login (both keys counted) and a successful one of an
// identity with nothing counted (the common case). Generous rules keep
// the keys from blocking.
//
//	UAPID_TEST_POSTGRES=... go test ./internal/limiter -run - -bench Login
func BenchmarkLogin(b *testing.B) {
	cfg := limiter.Config{
		PerAddress: limiter.Rule{MaxFailures: 1 << 30, Window: time.Hour, Block: time.Minute},
		PerAccount: limiter.Rule{MaxFailures: 1 << 30, Window: time.Hour, Block: time.Minute},
	}
	for _, be := range backends {
		if be.open == nil {
			continue
		}
		b.Run(be.name+"/failure", func(b *testing.B) {
			l := limiter.Shared(cfg, be.open(b), nil)
			for i := 0; b.Loop(); i++ {
				if err := l.Failure(ctx, fmt.Sprintf("10.1.%d.%d", i>>8&255, i&255), "bob"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.name+"/success", func(b *testing.B) {
			l := limiter.Shared(cfg, be.open(b), nil)
			for b.Loop() {
				if err := l.Success(ctx, "bob"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
