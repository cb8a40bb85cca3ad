package netlimit

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
)

// RetryAfterSeconds is the Retry-After of HTTP refusals: connections free
// up within seconds once a flood is cut, so well-behaved clients retry soon.
const RetryAfterSeconds = 5

// HTTPRefuser answers refused connections of an HTTP listener: 503 when
// the listener is full, 429 when the client's address has too many
// connections, each with Retry-After and a one-line body. With tlsConfig
// the answer goes over TLS (the listener below TLS counts connections).
// It reads the request head first and drains what follows after answering,
// so that the client's kernel does not discard the answer on a reset.
func HTTPRefuser(tlsConfig *tls.Config) Refuser {
	return func(c net.Conn, reason string) {
		if tlsConfig != nil {
			tc := tls.Server(c, tlsConfig)
			if tc.Handshake() != nil {
				return
			}
			c = tc
		}
		br := bufio.NewReaderSize(c, 4096)
		if readHead(br) != nil {
			return
		}
		_, _ = c.Write(httpRefusal(reason))
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(br, 1<<20))
	}
}

// readHead reads up to the blank line that ends a request head.
func readHead(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return nil
		}
	}
}

func httpRefusal(reason string) []byte {
	code, body := http.StatusServiceUnavailable, "The server is busy: too many connections. Try again shortly.\n"
	if reason == ReasonMaxConnsPerIP {
		code, body = http.StatusTooManyRequests, "Too many connections from your address. Try again shortly.\n"
	}
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: %d\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n%s", code, http.StatusText(code), RetryAfterSeconds, len(body), body)
}

// LineRefuser answers with one line (for FTP, whose server speaks first,
// a "421 ..." reply): msg(reason) followed by CRLF.
func LineRefuser(msg func(reason string) string) Refuser {
	return func(c net.Conn, reason string) {
		_, _ = io.WriteString(c, msg(reason)+"\r\n")
	}
}
