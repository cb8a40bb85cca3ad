package Cpanel::LiveAPI;

# Cpanel::LiveAPI for uapid: the public interface of cPanel's LiveAPI Perl
# module, written for uapid from the protocol its LiveAPI socket speaks
# (docs/plugins.md). Core Perl modules only, plus JSON::PP.
#
#   use Cpanel::LiveAPI ();
#   my $cpliveapi = Cpanel::LiveAPI->new();
#   my $r = $cpliveapi->uapi( 'Ftp', 'list_ftp', { 'include_acct_types' => 'sub' } );
#   print $r->{cpanelresult}{result}{data}[0]{user};
#   $cpliveapi->end();
#
# uapid runs UAPI calls only: api1(), api2(), cpanelif(), cpanelfeature(),
# cpanelprint() and fetch() come back with uapid's error in the shape each
# method returns on cPanel ({cpanelresult}{error}, {cpanelresult}{event}).

use strict;
use warnings;

use IO::Socket::UNIX ();
use JSON::PP         ();

our $VERSION = '0.2';

# The most a single answer may hold before the connection is given up.
my $MAX_ANSWER = 64 * 1024 * 1024;

sub new {
    my ( $class, %opts ) = @_;
    my $path = $opts{'socket'} || $ENV{'CPANEL_CONNECT_SOCKET'} || $ENV{'CPANEL_PHPCONNECT_SOCKET'};
    die "Cpanel::LiveAPI: CPANEL_CONNECT_SOCKET is not set: this program must run as a uapid plugin page\n"
      if !$path;
    my $sock = IO::Socket::UNIX->new( 'Type' => IO::Socket::UNIX::SOCK_STREAM(), 'Peer' => $path )
      or die "Cpanel::LiveAPI: cannot connect to $path: $!\n";
    binmode $sock;
    my $self = bless {
        'sock'  => $sock,
        'json'  => JSON::PP->new->utf8->canonical->allow_nonref,
        'debug' => $opts{'debug'} ? 1 : 0,
        'open'  => 1,
    }, $class;
    $self->exec('<cpaneljson enable="1">');
    return $self;
}

# exec sends one request ("LENGTH\nREQUEST") and returns the decoded
# answer under {cpanelresult}, unless the answer already starts with it.
sub exec {
    my ( $self, $code, $skip_return ) = @_;
    die "Cpanel::LiveAPI: the connection is closed (end() was called)\n" if !$self->{'open'};
    $self->_write( length($code) . "\n" . $code );
    my $buf = $self->_read_answer($skip_return);
    return if $skip_return;
    my $start = index( $buf, '<cpanelresult>' );
    my $end   = index( $buf, '</cpanelresult>' );
    die "Cpanel::LiveAPI: no answer to $code\n" if $start < 0 || $end < $start;
    $start += length '<cpanelresult>';
    my $json   = substr( $buf, $start, $end - $start );
    my $parsed = $self->{'json'}->decode($json);
    $self->debug_log( 1, "LiveAPI answer: $json" ) if $self->{'debug'};
    return ( ref $parsed eq 'HASH' && exists $parsed->{'cpanelresult'} ) ? $parsed : { 'cpanelresult' => $parsed };
}

sub _write {
    my ( $self, $data ) = @_;
    my $off = 0;
    while ( $off < length $data ) {
        my $n = syswrite( $self->{'sock'}, $data, length($data) - $off, $off );
        die "Cpanel::LiveAPI: write to the LiveAPI socket: $!\n" if !defined $n;
        $off += $n;
    }
    return;
}

# _read_answer reads up to and including the newline after
# </cpanelresult>; with $until_eof it reads until the server hangs up.
sub _read_answer {
    my ( $self, $until_eof ) = @_;
    my $buf = '';
    while (1) {
        my $n = sysread( $self->{'sock'}, $buf, 65536, length $buf );
        die "Cpanel::LiveAPI: read from the LiveAPI socket: $!\n" if !defined $n;
        last if $n == 0;
        last if !$until_eof && index( $buf, "</cpanelresult>" ) >= 0;
        die "Cpanel::LiveAPI: answer larger than $MAX_ANSWER bytes\n" if length $buf > $MAX_ANSWER;
    }
    return $buf;
}

# api runs a call of any API version: 'uapi' or 3 for UAPI; uapid answers
# 1 and 2 with its "UAPI calls only" error.
sub api {
    my ( $self, $reqtype, $version, $module, $func, $args ) = @_;
    my %req = (
        'module'     => $module,
        'func'       => $func,
        'reqtype'    => defined $reqtype ? $reqtype : 'exec',
        'apiversion' => $version,
    );
    $req{'args'} = $args if defined $args;
    return $self->exec( "<cpanelaction>\n" . $self->{'json'}->encode( \%req ) . "\n</cpanelaction>" );
}

# uapi runs Module::function; the result is $r->{cpanelresult}{result}
# (status, data, errors, messages, warnings, metadata).
sub uapi {
    my ( $self, $module, $func, $args ) = @_;
    return $self->api( 'exec', 'uapi', $module, $func, $args || {} );
}

sub api3 { my ( $self, $module, $func, $args ) = @_; return $self->api( 'exec', 3, $module, $func, $args || {} ) }
sub api2 { my ( $self, $module, $func, $args ) = @_; return $self->api( 'exec', 2, $module, $func, $args || {} ) }
sub api1 { my ( $self, $module, $func, $args ) = @_; return $self->api( 'exec', 1, $module, $func, $args || [] ) }

# The cPanel tags and variables: uapid answers each with its error.
sub fetch         { my ( $self, $var ) = @_; return $self->api( 'exec', 1, 'print', '', [$var] ) }
sub cpanelprint   { my ( $self, $var ) = @_; return _event_data( $self->fetch($var) ) }
sub cpanelif      { my ( $self, $code ) = @_; return _event_data( $self->api( 'if', 1, 'if', 'if', [$code] ) ) }
sub cpanelfeature { my ( $self, $f ) = @_; return _event_data( $self->api( 'feature', 1, 'feature', 'feature', [$f] ) ) }

sub _event_data {
    my ($r) = @_;
    my $data = $r->{'cpanelresult'}{'data'};
    return ref $data eq 'HASH' ? $data->{'result'} : undef;
}

# header and footer print uapid's page chrome around the page's own HTML
# (call header() after the CGI headers).
sub header {
    my ( $self, $title ) = @_;
    my ( $head, undef ) = _chrome();
    $title = '' if !defined $title;
    my %entity = ( '&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;', "'" => '&#039;' );
    $title =~ s/([&<>"'])/$entity{$1}/g;
    $head =~ s/\@\@UAPID_PAGE_TITLE\@\@/$title/g;
    print $head;
    return;
}

sub footer {
    my ( undef, $foot ) = _chrome();
    print $foot;
    return;
}

# _chrome reads the header and footer uapid left beside the page's socket.
sub _chrome {
    my $sock = $ENV{'CPANEL_CONNECT_SOCKET'} || '';
    ( my $dir = $sock ) =~ s{/[^/]*\z}{};
    my @parts;
    for my $name ( 'header.html', 'footer.html' ) {
        my $text = '';
        if ( open my $fh, '<:raw', "$dir/$name" ) {
            local $/;
            $text = <$fh>;
            close $fh;
        }
        push @parts, defined $text ? $text : '';
    }
    return @parts;
}

# debug_log writes to standard error, which uapid records in its log.
sub debug_log {
    my ( $self, $level, $msg ) = @_;
    $msg = $level if !defined $msg;
    print STDERR "Cpanel::LiveAPI: $msg\n";
    return 1;
}

sub debug_log_json {
    my ( $self, $level, $data ) = @_;
    $data = $level if !defined $data;
    return $self->debug_log( 1, $self->{'json'}->encode($data) );
}

sub set_debug { my ( $self, $on ) = @_; $self->{'debug'} = $on ? 1 : 0; return 1 }
sub get_debug_level { my ($self) = @_; return $self->{'debug'} }

# end closes the session: the server hangs up after the shutdown request.
sub end {
    my ($self) = @_;
    return if !$self->{'open'};
    eval { $self->exec( '<cpanelxml shutdown="1" />', 1 ); 1 };
    close $self->{'sock'};
    $self->{'open'} = 0;
    return;
}

sub DESTROY {
    my ($self) = @_;
    local $@;
    $self->end() if $self->{'open'};
    return;
}

1;
