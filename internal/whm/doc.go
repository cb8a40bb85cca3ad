// Package whm is the WHM API 1 transport: the functions billing systems
// (WHMCS, Blesta, HostBill and scripts) call on port 2087 to create,
// suspend, change and remove hosting accounts, served as
// /json-api/FUNCTION with WHM's result object. Callers authenticate with
// an operator token (`Authorization: whm root:TOKEN`); account passwords
// and account tokens never work here. Handlers are thin: every operation
// lives in internal/account, which `uapid account …` uses too.
package whm
