-- 0003_email: email accounts (mailboxes).
--
-- A mailbox lives on one of its account's domains, like ftp_accounts: the
-- foreign key on (account_id, domain) removes it with the domain, so whoever
-- is given the domain next cannot inherit it. The unique key puts domain
-- first because the mail server's files are published per domain; the
-- (account_id, domain) index serves the account's listings and the cascade.
CREATE TABLE email_accounts (
	id            {{id}},
	account_id    BIGINT NOT NULL,
	username      TEXT   NOT NULL,
	domain        TEXT   NOT NULL,
	password_hash TEXT   NOT NULL,
	quota_mb      BIGINT NOT NULL DEFAULT 0 CHECK (quota_mb >= 0),
	created_at    BIGINT NOT NULL,
	UNIQUE (domain, username),
	FOREIGN KEY (account_id, domain) REFERENCES domains (account_id, domain) ON DELETE CASCADE
);
CREATE INDEX email_accounts_account ON email_accounts (account_id, domain);
