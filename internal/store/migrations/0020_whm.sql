-- 0020_whm: what WHM API 1 (internal/whm) needs beyond UAPI's tables:
-- operator API tokens, hosting plans (packages), the operator's notes on an
-- account (contact email, plan, why and when it was suspended), and the
-- one-time login tickets of create_user_session.

-- Operator tokens act on every account, so they are not account rows. Only
-- a hash of each secret is stored.
CREATE TABLE operator_tokens (
	id         {{id}},
	name       TEXT   NOT NULL UNIQUE,
	hash       TEXT   NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT
);

-- A package is a name for a disk quota and a feature list; accounts copy
-- them when they are created on it or moved to it (changepackage), as
-- cPanel copies a package into the account's settings.
CREATE TABLE packages (
	name       TEXT   NOT NULL PRIMARY KEY,
	quota_mb   BIGINT NOT NULL DEFAULT 0,
	features   TEXT   NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

-- One row per account that has any of these set; none means all empty.
-- plan is a name, not a reference: an account keeps the settings it
-- copied and its plan's name when the package is deleted (killpkg).
CREATE TABLE account_profiles (
	account_id     BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	contact_email  TEXT   NOT NULL DEFAULT '',
	plan           TEXT   NOT NULL DEFAULT '',
	suspend_reason TEXT   NOT NULL DEFAULT '',
	suspended_at   BIGINT
);

-- A ticket is taken (deleted) by the one login that uses it, and is
-- worthless after expires_at; security_token is the cpsess token the
-- session it opens will carry (create_user_session returns it at once).
CREATE TABLE login_tickets (
	hash           TEXT   NOT NULL PRIMARY KEY,
	account_id     BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	security_token TEXT   NOT NULL,
	expires_at     BIGINT NOT NULL
);
CREATE INDEX login_tickets_expires ON login_tickets (expires_at);
