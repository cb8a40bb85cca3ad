package plugin_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/plugin"
)

// perlLiveAPIPage uses uapid's Cpanel::LiveAPI as cPanel's guide shows,
// with no set-up of its own: every method a page may call, and the chrome.
const perlLiveAPIPage = `#!/usr/bin/perl
use strict;
use warnings;
use Cpanel::LiveAPI ();

my $cpliveapi = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.
my $t  = $cpliveapi->uapi( 'Tokens', 'list' );
my $a3 = $cpliveapi->api3( 'Tokens', 'list' );
my $bad = $cpliveapi->uapi( 'Tokens', 'rename', { 'name' => 'nope', 'new_name' => 'x' } );
my $a2 = $cpliveapi->api2( 'Ftp', 'listftp', {} );
my $a1 = $cpliveapi->api1( 'Ftp', 'listftp', [] );
my $pr = $cpliveapi->cpanelprint('$homedir');
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
$cpliveapi->header('Perl & tokens');
print '<p id="tokens">', join( ',', map { $_->{name} } @{ $t->{cpanelresult}{result}{data} } ), "</p>\n";
print '<p id="status">', $t->{cpanelresult}{result}{status}, "</p>\n";
print '<p id="api3">', scalar @{ $a3->{cpanelresult}{result}{data} }, "</p>\n";
print '<p id="bad">', $bad->{cpanelresult}{result}{status}, ' ', $bad->{cpanelresult}{result}{errors}[0], "</p>\n";
print '<p id="api2">', $a2->{cpanelresult}{event}{result}, ' ', $a2->{cpanelresult}{error}, "</p>\n";
print '<p id="api1">', $a1->{cpanelresult}{event}{result}, ' ', $a1->{cpanelresult}{error}, "</p>\n";
print '<p id="print">', defined $pr ? "[$pr]" : 'undef', "</p>\n";
$cpliveapi->footer();
$cpliveapi->end(); # Disconnect from cPanel - only do this once.
`

// phpLiveAPIPage uses uapid's CPANEL class as cPanel's guide shows; the
// include is the guide's and may be left out.
const phpLiveAPIPage = `<?php
INCLUDE
$cpanel = new CPANEL(); // Connect to cPanel - only do this once.
$t = $cpanel->uapi('Tokens', 'list');
$a3 = $cpanel->api3('Tokens', 'list');
$bad = $cpanel->uapi('Tokens', 'rename', array('name' => 'nope', 'new_name' => 'x'));
$a2 = $cpanel->api2('Ftp', 'listftp', array());
$a1 = $cpanel->api1('Ftp', 'listftp', array());
$pr = $cpanel->cpanelprint('$homedir');
$cpanel->header('PHP & tokens');
$names = array();
foreach ($t['cpanelresult']['result']['data'] as $tok) { $names[] = $tok['name']; }
echo '<p id="tokens">', implode(',', $names), "</p>\n";
echo '<p id="status">', $t['cpanelresult']['result']['status'], "</p>\n";
echo '<p id="api3">', count($a3['cpanelresult']['result']['data']), "</p>\n";
echo '<p id="bad">', $bad['cpanelresult']['result']['status'], ' ', $bad['cpanelresult']['result']['errors'][0], "</p>\n";
echo '<p id="api2">', $a2['cpanelresult']['event']['result'], ' ', $a2['cpanelresult']['error'], "</p>\n";
echo '<p id="api1">', $a1['cpanelresult']['event']['result'], ' ', $a1['cpanelresult']['error'], "</p>\n";
echo '<p id="print">', $pr === null ? 'undef' : "[$pr]", "</p>\n";
$cpanel->footer();
$cpanel->end();
`

// TestLiveAPILibraries runs pages written against cPanel's LiveAPI
// libraries with uapid's: Perl's Cpanel::LiveAPI and PHP's CPANEL class,
// with and without the include cPanel's guide shows. Each call acts for
// the session's account, returns what cPanel's does (under
// cpanelresult), and the old APIs answer uapid's error where cPanel's
// clients read it; header() and footer() print the UI's chrome.
func TestLiveAPILibraries(t *testing.T) {
	pages := map[string]string{"live/perl.live.pl": perlLiveAPIPage}
	if _, err := exec.LookPath("php-cgi"); err == nil {
		pages["live/bare.live.php"] = strings.Replace(phpLiveAPIPage, "INCLUDE", "", 1)
		pages["live/include.live.php"] = strings.Replace(phpLiveAPIPage, "INCLUDE", `include("/usr/local/cpanel/php/cpanel.php");`, 1)
		pages["live/twice.live.php"] = strings.Replace(phpLiveAPIPage, "INCLUDE", `include("/usr/local/cpanel/php/cpanel.php"); include("/usr/local/cpanel/php/cpanel.php");`, 1)
	} else {
		t.Log("php-cgi is not installed: the PHP pages are not tested (apt-get install php-cgi)")
	}
	e := mustEnv(t, plugin.Config{Dir: mustPluginDir(t, pages)})
	for page := range pages {
		for _, acct := range []struct{ user, pass, mine, theirs string }{
			{"cpuser", passA, "alpha", "bravo"}, {"other", passB, "bravo", "alpha"}} {
			t.Run(page+"/"+acct.user, func(t *testing.T) {
				body := e.login(t, acct.user, acct.pass).mustGet(t, "/plugins/"+page)
				mustContain(t, body, `<p id="tokens">`+acct.mine+`</p>`, `<p id="status">1</p>`, `<p id="api3">1</p>`,
					`<p id="bad">0 `, `<p id="api2">0 uapid’s LiveAPI runs UAPI calls only`,
					`<p id="api1">0 uapid’s LiveAPI runs UAPI calls only`, `<p id="print">[]</p>`,
					`data-testid="account-name">`+acct.user+`<`, " &amp; tokens</h1>", "</main>\n</body>")
				mustNotContain(t, body, acct.theirs, pagehost.TitleMarker, "Warning")
			})
		}
	}
}
