// Package soak holds the soak test of issue 11: uapid under a steady mix of
// well-behaved clients and a slow-body flood for a long run. The program is
// cmd/soak; this package has no code of its own.
package soak
