#!/usr/bin/perl
# The LiveAPI Perl example of cPanel's Ftp::kill_session page, as it is: it
# closes the FTP sessions of the FTP account weeones. (The page shows
# "my $kill_ftp $cpliveapi->uapi(" and "'Ftp''kill_session'": its "=" and
# "," were lost in rendering and are put back here.)
use strict;
use warnings;
use Cpanel::LiveAPI ();
use JSON::PP ();

my $cpliveapi = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.
  
# Kill the user's FTP session.
my $kill_ftp = $cpliveapi->uapi(
    'Ftp', 'kill_session',
    {
        'login'      => 'weeones',
    }
);

# Show the result in uapid's page.
my $json = JSON::PP->new->pretty->canonical->encode( $kill_ftp->{cpanelresult}{result} );
$json =~ s/&/&amp;/g;
$json =~ s/</&lt;/g;
$json =~ s/>/&gt;/g;
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
$cpliveapi->header('Kill FTP sessions');
print qq{<pre id="result">$json</pre>\n};
$cpliveapi->footer();
$cpliveapi->end();
