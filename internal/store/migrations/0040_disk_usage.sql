-- 0040_disk_usage: disk usage kept as files change (see internal/usage).
--
-- disk_usage holds the counted bytes of the directories of an account home
-- that every login's writes update: '' (the home: the main and _logs FTP
-- logins) and 'public_ftp' (anonymous FTP). A virtual FTP login's count
-- stays in ftp_accounts.used_bytes. scanned_at is when a rescan last set
-- the counts; 0 means never, so the counts may miss files stored before.
CREATE TABLE disk_usage (
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	dir        TEXT   NOT NULL,
	used_bytes BIGINT NOT NULL DEFAULT 0,
	scanned_at BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, dir)
);

-- usage_marks counts, per node (nodes.id, one run of one process) and
-- account, the changes begun and not yet ended. A change marks itself in
-- the database before it touches a file and unmarks itself once its
-- usage is recorded, so a crash leaves the mark behind and the account is
-- rescanned. No foreign key to nodes: a dead node's row goes, its marks
-- must stay until the rescan.
CREATE TABLE usage_marks (
	node_id    BIGINT  NOT NULL,
	account_id BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	changes    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (node_id, account_id)
);
