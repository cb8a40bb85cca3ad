<?php
// The LiveAPI PHP example of cPanel's Ftp::kill_session page, as it is: it
// closes the FTP sessions of the FTP account weeones. (The page shows
// "$cpanel new CPANEL()" and "'Ftp''kill_session'": its "=" and "," were
// lost in rendering and are put back here.)
include("/usr/local/cpanel/php/cpanel.php");

$cpanel = new CPANEL(); // Connect to cPanel - only do this once.
  
// Kill the user's FTP session.
$kill_ftp = $cpanel->uapi(
    'Ftp', 'kill_session',
    array(
        'login'      => 'weeones',
    )
);

// Show the result in uapid's page.
$cpanel->header('Kill FTP sessions');
echo '<pre id="result">', htmlspecialchars(json_encode($kill_ftp['cpanelresult']['result'], JSON_PRETTY_PRINT)), "</pre>\n";
$cpanel->footer();
$cpanel->end();
