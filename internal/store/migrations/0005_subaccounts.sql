-- 0005_subaccounts: UserManager Subaccounts and the annotations that link
-- service accounts (email, FTP, Web Disk) to them or dismiss them as merge
-- candidates.
--
-- A Subaccount lives on one of its account's domains, like the service
-- accounts: the foreign key on (account_id, domain) removes it with the
-- domain. The contact columns are NULL until set (records show null) and
-- may hold '' once set empty. Only the hash of an invitation's secret is
-- stored; the partial unique index finds it and keeps two pending
-- invitations from sharing a hash.
CREATE TABLE subaccounts (
	id                {{id}},
	account_id        BIGINT  NOT NULL,
	guid              TEXT    NOT NULL UNIQUE,
	username          TEXT    NOT NULL,
	domain            TEXT    NOT NULL,
	real_name         TEXT,
	alternate_email   TEXT,
	phone_number      TEXT,
	avatar_url        TEXT,
	password_hash     TEXT    NOT NULL,
	synced_password   BOOLEAN NOT NULL DEFAULT TRUE,
	invite_hash       TEXT,
	invite_expires    BIGINT,
	created_at        BIGINT  NOT NULL,
	UNIQUE (account_id, username, domain),
	UNIQUE (account_id, guid),
	FOREIGN KEY (account_id, domain) REFERENCES domains (account_id, domain) ON DELETE CASCADE
);
CREATE UNIQUE INDEX subaccounts_invite ON subaccounts (invite_hash) WHERE invite_hash IS NOT NULL;

-- One annotation per service account (account, service, user@domain): either
-- a link (owner_guid names a Subaccount of the same account; deleting the
-- Subaccount removes its links) or a dismissal. service_id is the service
-- account's id when the annotation was made: a later account of the same
-- name has another id, so it inherits neither a link nor a dismissal.
CREATE TABLE subaccount_annotations (
	account_id BIGINT  NOT NULL,
	service    TEXT    NOT NULL CHECK (service IN ('email', 'ftp', 'webdisk')),
	username   TEXT    NOT NULL,
	domain     TEXT    NOT NULL,
	service_id BIGINT  NOT NULL,
	owner_guid TEXT,
	dismissed  BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (account_id, service, username, domain),
	FOREIGN KEY (account_id, domain) REFERENCES domains (account_id, domain) ON DELETE CASCADE,
	FOREIGN KEY (account_id, owner_guid) REFERENCES subaccounts (account_id, guid) ON DELETE CASCADE
);
CREATE INDEX subaccount_annotations_name ON subaccount_annotations (account_id, username, domain);
CREATE INDEX subaccount_annotations_owner ON subaccount_annotations (account_id, owner_guid);
