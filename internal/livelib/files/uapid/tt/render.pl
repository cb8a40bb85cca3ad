#!/usr/bin/perl
# Renders one Template Toolkit plugin page for uapid (docs/plugins.md):
#   perl render.pl /path/to/plugin/page.html.tt
# with cPanel's helpers: execute(module, function, args) over the page's
# LiveAPI socket, locale.maketext with bracket notation, CPANEL.* values,
# FORM, and WRAPPER '_assets/master.html.tt' with uapid's chrome.
use strict;
use warnings;

use FindBin ();
use Template ();
use Cpanel::LiveAPI ();

my $page = shift @ARGV;
die "usage: render.pl PAGE\n" if !defined $page;
my ( $dir, $name ) = $page =~ m{\A(.*)/([^/]+)\z} or die "render.pl: $page is not an absolute path\n";

my $live;
my $form = Uapid::TT::parse_form();
my $user = $ENV{'REMOTE_USER'} || '';
my $token = $ENV{'cp_security_token'} || '';
my %env = map { $_ => $ENV{$_} } grep { defined $ENV{$_} }
  qw(cp_security_token REMOTE_USER HTTP_HOST SERVER_NAME SERVER_PORT HTTPS REQUEST_METHOD REQUEST_URI QUERY_STRING SCRIPT_NAME REMOTE_ADDR HTTP_USER_AGENT HTTP_ACCEPT_LANGUAGE);
my ($plugin) = ( $ENV{'SCRIPT_NAME'} || '' ) =~ m{/plugins/([^/]+)/};

my %vars = (
    'execute' => sub {
        my ( $module, $func, $args ) = @_;
        $live ||= Cpanel::LiveAPI->new();
        my $r = $live->uapi( $module, $func, $args || {} );
        return Uapid::TT::Result->new( $r->{'cpanelresult'}{'result'} );
    },
    'CPANEL' => {
        'user'           => $user,
        'authuser'       => $user,
        'homedir'        => $ENV{'HOME'},
        'security_token' => $token,
        'CPDATA'         => { 'USER' => $user, 'DNS' => $ENV{'UAPID_ACCOUNT_DOMAIN'} },
        'ENV'            => \%env,
        'FORM'           => $form,
    },
    'FORM'         => $form,
    'locale'       => Uapid::TT::Locale->new(),
    'uapid_chrome' => Uapid::TT::Chrome->new( $plugin || $name ),
);

my $tt = Template->new(
    {
        'INCLUDE_PATH' => [ $dir, $FindBin::Bin ],
        'ENCODING'     => 'utf8',
        'ABSOLUTE'     => 0,
        'RELATIVE'     => 0,
        'EVAL_PERL'    => 0,
    }
) or die "render.pl: " . Template->error() . "\n";
my $out = '';
if ( !$tt->process( $name, \%vars, \$out ) ) {
    die "render.pl: $name: " . $tt->error() . "\n";
}
$live->end() if $live;
binmode STDOUT, ':encoding(UTF-8)';
print "Content-Type: text/html; charset=utf-8\r\n\r\n", $out;
exit 0;

# The result of execute(): the UAPI result hash (status, data, errors,
# messages, warnings, metadata). It prints as nothing, so a bare
# [% execute(...) %] runs the function and leaves no trace in the page.
package Uapid::TT::Result;
use overload '""' => sub { '' }, 'bool' => sub { 1 }, 'fallback' => 1;

sub new {
    my ( $class, $result ) = @_;
    return bless { %{ $result || {} } }, $class;
}

# The page's chrome: uapid's layout around the page, with its title.
package Uapid::TT::Chrome;

sub new {
    my ( $class, $default_title ) = @_;
    my ( $sockdir ) = ( $ENV{'CPANEL_CONNECT_SOCKET'} || '' ) =~ m{\A(.*)/[^/]*\z};
    my %part;
    for my $p ( 'header', 'footer' ) {
        $part{$p} = '';
        if ( defined $sockdir && open my $fh, '<:encoding(UTF-8)', "$sockdir/$p.html" ) {
            local $/;
            $part{$p} = <$fh>;
            close $fh;
        }
    }
    return bless { %part, 'default' => $default_title }, $class;
}

sub header {
    my ( $self, $title ) = @_;
    $title = $self->{'default'} if !defined $title || $title eq '';
    $title = '' if !defined $title;
    my %entity = ( '&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;', "'" => '&#039;' );
    $title =~ s/([&<>"'])/$entity{$1}/g;
    ( my $h = $self->{'header'} ) =~ s/\@\@UAPID_PAGE_TITLE\@\@/$title/g;
    return $h;
}

sub footer { my ($self) = @_; return $self->{'footer'} }

# locale.maketext with cPanel's bracket notation: [_1], [quant,_1,item,items],
# [numf,_1], [output,strong,...], [output,em,...]; ~[ ~] ~, ~~ escape.
package Uapid::TT::Locale;

sub new { return bless {}, shift }
sub get_language_tag  { return 'en' }
sub get_html_dir_attr { return 'ltr' }
sub lextext           { my ( $self, $s ) = @_; return $s }

sub maketext {
    my ( $self, $str, @args ) = @_;
    $str = '' if !defined $str;
    my $out = '';
    while ( length $str ) {
        if ( $str =~ s/\A~([\[\],~])// ) {
            $out .= $1;
        }
        elsif ( $str =~ s/\A\[((?:[^\[\]~]|~.)*)\]// ) {
            $out .= $self->_bracket( $1, \@args );
        }
        elsif ( $str =~ s/\A([^\[~]+)// ) {
            $out .= $1;
        }
        else {
            $out .= substr( $str, 0, 1, '' );
        }
    }
    return $out;
}

sub _bracket {
    my ( $self, $in, $args ) = @_;
    my @parts;
    my $cur = '';
    while ( length $in ) {
        if    ( $in =~ s/\A~(.)//s ) { $cur .= $1 }
        elsif ( $in =~ s/\A,// )     { push @parts, $cur; $cur = '' }
        else                         { $cur .= substr( $in, 0, 1, '' ) }
    }
    push @parts, $cur;
    my $is_arg = $parts[0] =~ /\A_(?:\d+|\*)\z/;
    @parts = map { /\A_(\d+)\z/ ? ( defined $args->[ $1 - 1 ] ? $args->[ $1 - 1 ] : '' ) : /\A_\*\z/ ? join( ', ', @$args ) : $_ } @parts;
    return join( '', @parts ) if $is_arg;
    my $method = shift @parts;
    if ( $method eq 'quant' ) {
        my ( $n, $one, $many, $zero ) = @parts;
        return $zero if defined $zero && $n == 0;
        return _numf($n) . ' ' . ( $n == 1 ? $one : ( defined $many ? $many : $one . 's' ) );
    }
    return _numf( $parts[0] ) if $method eq 'numf';
    if ( $method eq 'output' ) {
        my ( $tag, $text ) = @parts;
        return "<$tag>$text</$tag>" if defined $tag && $tag =~ /\A(?:strong|em|code|sup|sub|u|s)\z/;
        return defined $text ? $text : '';
    }
    die "locale.maketext: unknown bracket method [$method]\n";
}

sub _numf {
    my ($n) = @_;
    return '' if !defined $n;
    my ( $int, $frac ) = split /\./, $n, 2;
    1 while $int =~ s/^(-?\d+)(\d{3})/$1,$2/;
    return defined $frac ? "$int.$frac" : $int;
}

# FORM: the query string and, for a form POST, the body: names to values
# (the last of repeated names).
package Uapid::TT;

sub parse_form {
    my %form;
    my @pairs = split /[&;]/, ( $ENV{'QUERY_STRING'} || '' );
    my $len = $ENV{'CONTENT_LENGTH'} || 0;
    if ( ( $ENV{'REQUEST_METHOD'} || '' ) eq 'POST' && $len && ( $ENV{'CONTENT_TYPE'} || '' ) =~ m{\Aapplication/x-www-form-urlencoded}i ) {
        my $body = '';
        read( STDIN, $body, $len );
        push @pairs, split /[&;]/, $body;
    }
    for my $pair (@pairs) {
        next if $pair eq '';
        my ( $k, $v ) = split /=/, $pair, 2;
        $v = '' if !defined $v;
        for ( $k, $v ) { tr/+/ /; s/%([0-9A-Fa-f]{2})/chr hex $1/ge; utf8::decode($_) }
        $form{$k} = $v;
    }
    return \%form;
}
