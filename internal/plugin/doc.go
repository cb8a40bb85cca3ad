// Package plugin serves the pages of plugins an operator installs by
// dropping them into the plugin folder (Config.Dir): each plugin is a
// directory, each page a file in it, reached inside a logged-in session at
// /cpsessNNNNNNNNNN/plugins/PLUGIN/PAGE (the web UI mounts it through
// package pagehost).
//
//   - A Go template page (NAME.tmpl; the URL may leave out ".tmpl") is rendered
//     by the web UI with its layout and the built-in pages' execute
//     function: the same template engine, the same read-only rule.
//   - An executable page (the executable bit, or a LiveAPI name such as
//     NAME.live.pl or NAME.live.php, run through Config.Interpreters) runs
//     as a CGI program for the session's account. For the length of the run
//     it has a LiveAPI socket of its own (package liveapi) named in
//     CPANEL_CONNECT_SOCKET, so programs written for cPanel make their UAPI
//     calls unchanged. The program runs as the leader of a new process
//     group; only that group may use the socket; the group is killed when
//     the time is up, when it prints too much, and when the program ends;
//     the socket and its directory are removed before the page is answered.
//     Programs find cPanel's LiveAPI libraries (package livelib: PHP's
//     CPANEL class, Perl's Cpanel::LiveAPI) with no set-up of their own.
//   - A Template Toolkit page (NAME.html.tt, NAME.tt) is an executable page
//     run by livelib's renderer, with cPanel's execute() over the socket.
//   - With Config.Sandbox, every program runs confined (package sandbox):
//     its own user, limits, and namespaces where uapid's data is not.
//   - Stylesheets, scripts, images and fonts are sent as they are.
//
// Names from the URL are checked (letters, digits, "_", "-", "."; no
// hidden files, no "..") and resolved with os.Root inside the plugin
// folder, so neither a name nor a symlink leads outside it; a page file
// must be a regular file, not a symlink.
//
// net/http/cgi's Handler is not used to run programs: it cannot start a
// process group or stop a program that hangs, and it passes every request
// header on (Cookie, the session's secret, included). The program gets the
// same CGI variables it would set, minus those headers, and nothing from
// uapid's own environment.
package plugin
