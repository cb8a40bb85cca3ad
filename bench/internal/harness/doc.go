// Package harness is what uapid's benchmark programs share: building uapid
// and uapi from the tree or a commit, starting and stopping servers as
// processes of their own, reading their memory and CPU time from /proc,
// perf profiles around a step, and a Markdown report with the machine and
// its load beside every number.
package harness
