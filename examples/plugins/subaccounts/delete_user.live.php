<?php
// The LiveAPI PHP example of cPanel's UserManager::delete_user page, as it
// is: it deletes the Subaccount example1@example.com.
include("/usr/local/cpanel/php/cpanel.php");

$cpanel = new CPANEL(); // Connect to cPanel - only do this once.
 
// Deletes the Subaccount.
$Usermanager = $cpanel->uapi(
    'UserManager', 'delete_user',
  array(
        'username'        => 'example1',
        'domain'          => 'example.com',
        )
);

// Show the result in uapid's page: only metadata, the service account
// that is left, or the hypothetical Subaccount that is left.
$cpanel->header('Delete a Subaccount');
echo '<pre id="result">', htmlspecialchars(json_encode($Usermanager['cpanelresult']['result'], JSON_PRETTY_PRINT)), "</pre>\n";
$cpanel->footer();
$cpanel->end();
