// Package livelib holds the libraries plugin pages load, shipped inside
// uapid: Cpanel::LiveAPI for Perl, the CPANEL class of LiveAPI PHP, and the
// Template Toolkit renderer with cPanel's execute(), locale and CPANEL
// helpers. They are written for uapid from the LiveAPI protocol its
// sockets speak (package liveapi), with the public interface cPanel
// documents, so pages written for cPanel run unchanged.
//
// Install writes them into a directory laid out as cPanel's
// /usr/local/cpanel (Cpanel/LiveAPI.pm, php/cpanel.php), plus uapid's own
// files under uapid/. Environ names what a page's environment needs to find
// them with no set-up in the page.
package livelib
