-- 0004_webdisk: Web Disk (WebDAV) accounts.
--
-- A login lives on one of its account's domains, like ftp_accounts: the
-- foreign key on (account_id, domain) removes it with the domain, so whoever
-- is given the domain next cannot inherit it.
--
-- digest_ha1 holds MD5(user@domain:realm:password) only while Digest
-- authentication is enabled, and '' otherwise; it is never the password.
-- perms is checked here too, so a row cannot grant anything but ro or rw.
CREATE TABLE webdisk_accounts (
	id            {{id}},
	account_id    BIGINT  NOT NULL,
	username      TEXT    NOT NULL,
	domain        TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	digest_ha1    TEXT    NOT NULL DEFAULT '',
	home_dir      TEXT    NOT NULL DEFAULT '',
	perms         TEXT    NOT NULL DEFAULT 'rw' CHECK (perms IN ('ro', 'rw')),
	private       BOOLEAN NOT NULL DEFAULT FALSE,
	enable_digest BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    BIGINT  NOT NULL,
	UNIQUE (username, domain),
	FOREIGN KEY (account_id, domain) REFERENCES domains (account_id, domain) ON DELETE CASCADE
);
CREATE INDEX webdisk_accounts_account ON webdisk_accounts (account_id);
