// Package pagehost is the contract between the web UI, which hosts pages
// inside a logged-in session, and the plugin pages it mounts. The UI
// (internal/web) implements Host and mounts a Pages; the plugin server
// (internal/plugin) implements Pages and calls back into Host. Neither
// adapter imports the other: cmd/uapid wires them through this package.
package pagehost
