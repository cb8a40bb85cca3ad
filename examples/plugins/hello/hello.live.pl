#!/usr/bin/perl
# An executable page: uapid runs it as a CGI program for the logged-in
# account and hands it a LiveAPI socket in CPANEL_CONNECT_SOCKET.
#
# On cPanel you would write `use Cpanel::LiveAPI;`. That module is cPanel's
# and is not installed with uapid, so this page brings a small client of
# its own that speaks the same protocol; where Cpanel::LiveAPI exists it
# uses that instead, and both return the same structures.
use strict;
use warnings;

package HelloLiveAPI;

use IO::Socket::UNIX ();
use JSON::PP         ();

# new connects and switches the answers to JSON.
sub new {
    my ($class) = @_;
    my $path = $ENV{'CPANEL_CONNECT_SOCKET'} || $ENV{'CPANEL_PHPCONNECT_SOCKET'}
      or die "CPANEL_CONNECT_SOCKET is not set: run this page through uapid\n";
    my $fh = IO::Socket::UNIX->new( Type => IO::Socket::UNIX::SOCK_STREAM(), Peer => $path )
      or die "cannot connect to $path: $!\n";
    my $self = bless { fh => $fh, json => JSON::PP->new->utf8->canonical }, $class;
    $self->exec('<cpaneljson enable="1">');
    return $self;
}

# exec sends one request as "LENGTH\nREQUEST" and reads the answer up to
# </cpanelresult>; the JSON inside comes back under "cpanelresult".
sub exec {
    my ( $self, $code, $skip_return ) = @_;
    syswrite( $self->{fh}, length($code) . "\n" . $code );
    my $buf = '';
    while ( sysread( $self->{fh}, $buf, 32768, length $buf ) ) {
        last if index( $buf, '</cpanelresult>' ) > -1;
    }
    return if $skip_return;
    my $start = index( $buf, '<cpanelresult>{' );
    die "unexpected LiveAPI answer: $buf\n" if $start < 0;
    $start += length '<cpanelresult>';
    my $parsed = $self->{json}->decode( substr( $buf, $start, index( $buf, '</cpanelresult>' ) - $start ) );
    return index( $buf, '<cpanelresult>{"cpanelresult"' ) > -1 ? $parsed : { cpanelresult => $parsed };
}

# uapi runs Module::function with a hash of arguments.
sub uapi {
    my ( $self, $module, $func, $args ) = @_;
    my %req = ( module => $module, func => $func, reqtype => 'exec', apiversion => 'uapi' );
    $req{args} = $args if defined $args;
    return $self->exec( "<cpanelaction>\n" . $self->{json}->encode( \%req ) . "\n</cpanelaction>" );
}

# end closes the session.
sub end {
    my ($self) = @_;
    $self->exec( '<cpanelxml shutdown="1" />', 1 );
    close $self->{fh};
    return;
}

package main;

sub esc {
    my ($s) = @_;
    $s = '' if !defined $s;
    $s =~ s/([&<>"'])/'&#' . ord($1) . ';'/ge;
    return $s;
}

my $live = eval { require Cpanel::LiveAPI; Cpanel::LiveAPI->new() } || HelloLiveAPI->new();

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
