-- 0001_init: hosting accounts, their domains, API tokens, web sessions and
-- FTP accounts.
--
-- One file serves SQLite and PostgreSQL: times are Unix seconds in BIGINT,
-- lists are comma-separated TEXT, and {{id}} is the dialect's self-numbering
-- id column (see substitute in migrate.go).

CREATE TABLE accounts (
	id            {{id}},
	name          TEXT    NOT NULL UNIQUE,
	password_hash TEXT    NOT NULL,
	home_dir      TEXT    NOT NULL,
	quota_mb      BIGINT  NOT NULL DEFAULT 0,
	features      TEXT    NOT NULL DEFAULT '',
	suspended     BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    BIGINT  NOT NULL
);

-- A domain belongs to one account in the whole installation. Service
-- accounts (FTP, and later email and Web Disk) reference (account_id, domain),
-- so a login can only name a domain of its own account and goes away with the
-- domain: a user@domain left behind would let whoever adds the domain next
-- inherit someone else's login.
CREATE TABLE domains (
	domain     TEXT    NOT NULL PRIMARY KEY,
	account_id BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	is_primary BOOLEAN NOT NULL DEFAULT FALSE,
	UNIQUE (account_id, domain)
);
CREATE UNIQUE INDEX domains_one_primary ON domains (account_id) WHERE is_primary;

-- Only a hash of each secret is stored.
CREATE TABLE api_tokens (
	id          {{id}},
	account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	hash        TEXT    NOT NULL,
	created_at  BIGINT  NOT NULL,
	expires_at  BIGINT,
	full_access BOOLEAN NOT NULL DEFAULT FALSE,
	features    TEXT    NOT NULL DEFAULT '',
	UNIQUE (account_id, name)
);
CREATE INDEX api_tokens_hash ON api_tokens (account_id, hash);

CREATE TABLE web_sessions (
	id_hash        TEXT   NOT NULL PRIMARY KEY,
	account_id     BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	security_token TEXT   NOT NULL,
	created_at     BIGINT NOT NULL,
	last_seen      BIGINT NOT NULL,
	remote_addr    TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);
CREATE INDEX web_sessions_last_seen ON web_sessions (last_seen);

-- username, not user: USER is reserved in PostgreSQL.
CREATE TABLE ftp_accounts (
	id            {{id}},
	account_id    BIGINT NOT NULL,
	username      TEXT   NOT NULL,
	domain        TEXT   NOT NULL,
	password_hash TEXT   NOT NULL,
	home_dir      TEXT   NOT NULL DEFAULT '',
	quota_mb      BIGINT NOT NULL DEFAULT 0,
	used_bytes    BIGINT NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	UNIQUE (username, domain),
	FOREIGN KEY (account_id, domain) REFERENCES domains (account_id, domain) ON DELETE CASCADE
);
CREATE INDEX ftp_accounts_account ON ftp_accounts (account_id);
