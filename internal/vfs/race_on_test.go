//go:build race

package vfs

// raceDetector tells tests that the race detector is on: it makes
// sync.Pool drop items at random, so allocation counts mean nothing.
const raceDetector = true
