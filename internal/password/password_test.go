package password

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h, err := Hash("s3cret pass")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$6$") {
		t.Fatalf("hash %q is not SHA512-crypt", h)
	}
	if !Verify(h, "s3cret pass") {
		t.Error("the right password does not verify")
	}
	if Verify(h, "s3cret pas") {
		t.Error("a wrong password verifies")
	}
	h2, _ := Hash("s3cret pass")
	if h == h2 {
		t.Error("two hashes of one password share a salt")
	}
}

// Known hashes made by `openssl passwd -6/-5/-1 -salt saltsalt secret`, so
// that hashes imported from a cPanel server keep working.
func TestVerifyKnownFormats(t *testing.T) {
	t.Parallel()
	bc, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, pass string
		want             bool
	}{
		{"sha512", "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", "secret", true},
		{"sha512 wrong", "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", "Secret", false},
		{"sha256", "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "secret", true},
		{"md5", "$1$saltsalt$9xy1btjgzLYfb7hivXtC//", "secret", true},
		{"bcrypt", string(bc), "secret", true},
		{"bcrypt wrong", string(bc), "secreT", false},
		{"garbage", "$6$", "secret", false},
		{"plain text", "secret", "secret", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.hash, tt.pass); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsHash(t *testing.T) {
	t.Parallel()
	h, _ := Hash("x")
	for s, want := range map[string]bool{h: true, "plain": false, "": false, "$6$abc:x": false} {
		if got := IsHash(s); got != want {
			t.Errorf("IsHash(%q) = %v, want %v", s, got, want)
		}
	}
}
