#!/usr/bin/perl
# The LiveAPI Perl example of cPanel's UserManager::delete_user page, as
# it is: it deletes the Subaccount example1@example.com.
use strict;
use warnings;
use Cpanel::LiveAPI ();
use JSON::PP ();

my $cpliveapi = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.
 
# Deletes the Subaccount.
my $Usermanager = $cpliveapi->uapi(
    'UserManager', 'delete_user',
   {
        'username'        => 'example1',
        'domain'          => 'example.com',
   }
);

# Show the result in uapid's page: only metadata, the service account
# that is left, or the hypothetical Subaccount that is left.
my $json = JSON::PP->new->pretty->canonical->encode( $Usermanager->{cpanelresult}{result} );
$json =~ s/&/&amp;/g;
$json =~ s/</&lt;/g;
$json =~ s/>/&gt;/g;
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
$cpliveapi->header('Delete a Subaccount');
print qq{<pre id="result">$json</pre>\n};
$cpliveapi->footer();
$cpliveapi->end();
