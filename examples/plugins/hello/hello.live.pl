#!/usr/bin/perl
# An executable page: uapid runs it as a CGI program for the logged-in
# account and hands it a LiveAPI socket in CPANEL_CONNECT_SOCKET.
#
# It uses Cpanel::LiveAPI as cPanel's LiveAPI guide shows; uapid ships its
# own (written from the protocol) and puts it on every page's @INC.
use strict;
use warnings;
use Cpanel::LiveAPI ();

sub esc {
    my ($s) = @_;
    $s = '' if !defined $s;
    $s =~ s/([&<>"'])/'&#' . ord($1) . ';'/ge;
    return $s;
}

my $live = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.

# Every call acts for the logged-in account; the result is under
# {cpanelresult}{result}: status, errors, data, …
my $ftp    = $live->uapi( 'Ftp',    'list_ftp', { 'api.sort_column' => 'user' } )->{cpanelresult}{result};
my $tokens = $live->uapi( 'Tokens', 'list' )->{cpanelresult}{result};
$live->end();

print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print <<"HTML";
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hello from Perl</title><link rel="stylesheet" href="hello.css"></head>
<body>
<p class="hello">Hello, <strong id="hello-user">@{[ esc( $ENV{REMOTE_USER} ) ]}</strong>.</p>
<h2>FTP accounts</h2>
HTML
if ( $ftp->{status} ) {
    print qq{<ul id="hello-ftp">\n};
    print '<li>', esc( $_->{user} ), "</li>\n" for @{ $ftp->{data} };
    print "</ul>\n";
}
else {
    print '<p class="errors">', esc( join ' ', @{ $ftp->{errors} || [] } ), "</p>\n";
}
printf qq{<p id="hello-tokens">%d API token(s).</p>\n}, scalar @{ $tokens->{data} || [] };
print qq{<p><a href="index.html">Back to the template page</a></p>\n</body>\n</html>\n};
