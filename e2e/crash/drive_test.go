package crash_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/jlaffaye/ftp"
)

// Name prefixes say what the driver did with a name, so the checks know
// what must hold for it: u (create_user with email, FTP and Web Disk, then
// perhaps delete_user), m (add_ftp and add_pop, then merge them into one
// user), d (add_ftp, then delete_ftp with destroy), e (create_user with
// email and FTP, then edit_user rounds: see editRounds).

// drive runs operations until ctx ends (the child was killed).
func (h *harness) drive(ctx context.Context) {
	for ctx.Err() == nil {
		h.mu.Lock()
		n := h.next
		h.next++
		h.count++
		h.mu.Unlock()
		switch n % 5 {
		case 0, 1:
			h.createUser(ctx, fmt.Sprintf("u%d", n), n%2 == 0)
		case 2:
			h.merge(ctx, fmt.Sprintf("m%d", n))
		case 3:
			h.destroyFTP(ctx, fmt.Sprintf("d%d", n))
		case 4:
			h.editUser(ctx, fmt.Sprintf("e%d", n))
		}
	}
}

func (h *harness) ops() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

func (h *harness) markDeleted(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deleted[name] = true
}

func (h *harness) createUser(ctx context.Context, name string, thenDelete bool) {
	_, err := h.call(ctx, "UserManager", "create_user", "username", name, "domain", domain, "password", userPass,
		"services.email.enabled", "1", "services.email.quota", "10",
		"services.ftp.enabled", "1", "services.ftp.homedir", "public_html/"+name,
		"services.webdisk.enabled", "1", "services.webdisk.homedir", "public_html/"+name+"dav")
	if err != nil || !thenDelete {
		return
	}
	h.markDeleted(name)
	_, _ = h.call(ctx, "UserManager", "delete_user", "username", name, "domain", domain)
}

// editRounds is how many times editUser edits a user. Round g (0 is the
// create) gives every service the password editPassword(g) and the quota
// 10+g MiB, and turns Web Disk on in odd rounds and off in even ones, so
// that the check can tell a user edited in full from a half-edited one.
const editRounds = 4

func editPassword(g int) string {
	if g == 0 {
		return userPass
	}
	return fmt.Sprintf("Edit-password-%d", g)
}

func (h *harness) editUser(ctx context.Context, name string) {
	if _, err := h.call(ctx, "UserManager", "create_user", "username", name, "domain", domain, "password", userPass,
		"services.email.enabled", "1", "services.email.quota", "10",
		"services.ftp.enabled", "1", "services.ftp.homedir", "public_html/"+name, "services.ftp.quota", "10"); err != nil {
		return
	}
	for g := 1; g <= editRounds && ctx.Err() == nil; g++ {
		q := strconv.Itoa(10 + g)
		kv := []string{"username", name, "domain", domain, "password", editPassword(g),
			"services.email.quota", q, "services.ftp.quota", q, "services.webdisk.enabled", strconv.Itoa(g % 2)}
		if g%2 == 1 {
			kv = append(kv, "services.webdisk.homedir", "public_html/"+name+"dav", "services.webdisk.perms", "ro")
		}
		if _, err := h.call(ctx, "UserManager", "edit_user", kv...); err != nil {
			return
		}
	}
}

func (h *harness) merge(ctx context.Context, name string) {
	if _, err := h.call(ctx, "Ftp", "add_ftp", "user", name, "domain", domain, "pass", userPass, "homedir", "public_html/"+name); err != nil {
		return
	}
	if _, err := h.call(ctx, "Email", "add_pop", "email", name, "domain", domain, "password", userPass); err != nil {
		return
	}
	_, _ = h.call(ctx, "UserManager", "merge_service_account", "username", name, "domain", domain,
		"services.ftp.merge", "1", "services.email.merge", "1")
}

func (h *harness) destroyFTP(ctx context.Context, name string) {
	if _, err := h.call(ctx, "Ftp", "add_ftp", "user", name, "domain", domain, "pass", userPass, "homedir", "public_html/"+name); err != nil {
		return
	}
	h.markDeleted(name)
	_, _ = h.call(ctx, "Ftp", "delete_ftp", "user", name, "domain", domain, "destroy", "1")
}

// upload stores files of 1 to 3 MB through FTP until ctx ends, so that
// kills land in the middle of transfers.
func (h *harness) upload(ctx context.Context) {
	buf := make([]byte, 3<<20)
	_, _ = rand.Read(buf)
	for i := 0; ctx.Err() == nil; i++ {
		c, err := ftp.Dial(h.ftpAddr, ftp.DialWithTimeout(5*time.Second), ftp.DialWithContext(ctx))
		if err != nil {
			return
		}
		if err := c.Login("up@"+domain, userPass); err != nil {
			_ = c.Quit()
			return
		}
		size := (1 + i%3) << 20
		_ = c.Stor(fmt.Sprintf("f%d", i%5), bytes.NewReader(buf[:size]))
		_ = c.Quit()
	}
}

// put stores files of 1 to 3 MB through Web Disk until ctx ends, so that
// kills land in the middle of PUTs, which write a temporary file first.
func (h *harness) put(ctx context.Context) {
	buf := make([]byte, 3<<20)
	_, _ = rand.Read(buf)
	for i := 0; ctx.Err() == nil; i++ {
		size := (1 + i%3) << 20
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, fmt.Sprintf("https://%s/p%d", h.davAddr, i%5),
			bytes.NewReader(buf[:size]))
		if err != nil {
			return
		}
		req.SetBasicAuth("dav@"+domain, userPass)
		resp, err := h.http.Do(req)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
