// Package invite sends invitation mail through an SMTP relay and makes the
// single-use secrets invitation links carry.
//
// A Subaccount created with send_invite=1 gets a link to a page where its
// user chooses a password. The link holds a random secret (NewToken); only
// its SHA-256 (HashToken) is stored, so a leaked database does not let
// anyone accept an invitation. uapid delivers no mail itself: SMTP hands
// each message to a relay the operator runs (Postfix, Exim, a provider's
// submission service) with the standard library's net/smtp client.
package invite
