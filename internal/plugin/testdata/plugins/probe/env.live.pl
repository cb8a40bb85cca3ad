#!/usr/bin/perl
# Prints the environment uapid gives an executable page, and the request
# body it reads on standard input.
use strict;
use warnings;

print "Content-Type: text/plain; charset=utf-8\r\n\r\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
if ( $ENV{CONTENT_LENGTH} ) {
    read( STDIN, my $body, $ENV{CONTENT_LENGTH} );
    print "BODY=$body\n";
}
