package usage

import (
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// BenchmarkBeginEnd measures one small write's counting on SQLite, of a
// plain file and of a Web Disk PUT's temporary file, which is recorded in
// the store under the lease's mark.
//
//	go test ./internal/usage -run - -bench BeginEnd
func BenchmarkBeginEnd(b *testing.B) {
	for _, name := range []string{"plain.txt", hosting.UploadTempPrefix + "0123456789abcdef"} {
		b.Run(map[bool]string{true: "temp", false: "plain"}[name != "plain.txt"], func(b *testing.B) {
			e := mustEnv(b)
			c := e.keeper(b, Config{}).Counter(e.acct, "", nil)
			for b.Loop() {
				if err := c.Begin(name); err != nil {
					b.Fatal(err)
				}
				if err := c.End(name, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
