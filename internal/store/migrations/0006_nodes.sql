-- 0006_nodes: the uapid processes (nodes) sharing this database, and the
-- live FTP sessions each of them holds, so that list_sessions on any node
-- shows every node's sessions (see internal/cluster).
--
-- A node registers at start, beats its heartbeat every few seconds and
-- deletes its row on shutdown. id numbers one run of one process: a
-- restart registers again and gets a new number, so the session ids built
-- from it are never reused. name is the operator's node_id (or a random
-- one); a live node keeps it to itself.
CREATE TABLE nodes (
	id         {{id}},
	name       TEXT   NOT NULL UNIQUE,
	started_at BIGINT NOT NULL,
	heartbeat  BIGINT NOT NULL
);

-- One row per logged-in FTP session, written by the node that holds it.
-- session_id is the id list_sessions shows as pid and kill_session takes:
-- the node's number times 2^32 plus the session's id in its process, so it
-- is unique across nodes and names its node. Rows go with their node (a
-- dead node's are removed with it) and with their account.
CREATE TABLE ftp_sessions (
	node_id    BIGINT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
	session_id BIGINT NOT NULL,
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	login      TEXT   NOT NULL,
	remote     TEXT   NOT NULL DEFAULT '',
	login_time BIGINT NOT NULL,
	status     TEXT   NOT NULL,
	file       TEXT   NOT NULL DEFAULT '',
	PRIMARY KEY (node_id, session_id)
);
CREATE INDEX ftp_sessions_account ON ftp_sessions (account_id, node_id);
