#!/usr/bin/perl
# A LiveAPI page for uapid's tests. The client below is written from the
# protocol, doing what Cpanel::LiveAPI does on the wire: connect to
# CPANEL_CONNECT_SOCKET, send each request as "LENGTH\nREQUEST", switch to
# JSON with <cpaneljson enable="1">, send <cpanelaction>JSON</cpanelaction>,
# read until </cpanelresult>, and end with <cpanelxml shutdown="1" />.
use strict;
use warnings;

package MiniLiveAPI;

use IO::Socket::UNIX ();
use JSON::PP         ();

sub new {
    my ($class) = @_;
    my $path = $ENV{'CPANEL_CONNECT_SOCKET'} || $ENV{'CPANEL_PHPCONNECT_SOCKET'};
    die "no LiveAPI socket in the environment\n" if !$path;
    my $fh = IO::Socket::UNIX->new( Type => IO::Socket::UNIX::SOCK_STREAM(), Peer => $path )
      or die "cannot connect to $path: $!\n";
    my $self = bless { fh => $fh, json => JSON::PP->new->utf8->canonical }, $class;
    $self->exec('<cpaneljson enable="1">');
    return $self;
}

# exec sends one request and returns the answer's JSON, under
# "cpanelresult" unless it already starts with it.
sub exec {
    my ( $self, $code, $skip_return ) = @_;
    syswrite( $self->{fh}, length($code) . "\n" . $code );
    my $buf = '';
    while ( sysread( $self->{fh}, $buf, 32768, length $buf ) ) {
        last if index( $buf, '</cpanelresult>' ) > -1;
    }
    return if $skip_return;
    my $start = index( $buf, '<cpanelresult>{' );
    die "no JSON answer to $code: $buf\n" if $start < 0;
    $start += length '<cpanelresult>';
    my $parsed = $self->{json}->decode( substr( $buf, $start, index( $buf, '</cpanelresult>' ) - $start ) );
    return index( $buf, '<cpanelresult>{"cpanelresult"' ) > -1 ? $parsed : { cpanelresult => $parsed };
}

sub api {
    my ( $self, $version, $module, $func, $args ) = @_;
    my %req = ( module => $module, reqtype => 'exec', func => $func, apiversion => $version );
    $req{args} = $args if defined $args;
    return $self->exec( "<cpanelaction>\n" . $self->{json}->encode( \%req ) . "\n</cpanelaction>" );
}

sub uapi { my $self = shift; return $self->api( 'uapi', @_ ) }
sub api2 { my $self = shift; return $self->api( 2, @_ ) }

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
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    return $s;
}

sub items {
    my ( $id, $result, $field ) = @_;
    my $data = $result->{cpanelresult}{result}{data} || [];
    return qq{<ul id="$id">} . join( '', map { '<li>' . esc( $_->{$field} ) . '</li>' } @$data ) . "</ul>\n";
}

my $live   = MiniLiveAPI->new();
my $tokens = $live->uapi( 'Tokens', 'list' );
my $ftp    = $live->uapi( 'Ftp', 'list_ftp' );

# Requests that name another account: none of it may have any effect.
my $named  = $live->uapi( 'Tokens', 'list', { user => 'other', cpanel_jsonapi_user => 'other' } );
my $forged = $live->exec( '<cpanelaction>{"module":"Tokens","func":"list","apiversion":"uapi",'
      . '"user":"other","cpanel_jsonapi_user":"other","account":"other"}</cpanelaction>' );
my $old = $live->api2( 'Ftp', 'listftp', {} );
$live->end();

print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print "<!doctype html><title>Probe</title>\n";
print items( 'tokens', $tokens, 'name' ), items( 'ftp', $ftp, 'user' );
print items( 'named', $named, 'name' ), items( 'forged', $forged, 'name' );
print '<p id="api2">', esc( $old->{cpanelresult}{error} ), "</p>\n";
print '<p id="socket">', esc( $ENV{CPANEL_CONNECT_SOCKET} ), "</p>\n";
