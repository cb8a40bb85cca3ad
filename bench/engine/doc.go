// Package engine measures what the UAPI engine and its HTTPS transport cost
// on top of a bare net/http JSON handler: both serve over TLS with
// keep-alive to the same client in the same run, so the ratio is what the
// engine (auth, argument binding, validation, the result object, logging
// and metrics) adds. Run:
//
//	go test -run=^$ -bench=. -benchmem ./bench/engine/
package engine
