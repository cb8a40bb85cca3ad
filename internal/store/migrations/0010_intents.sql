-- 0010_intents: durable records of changes of several steps (see
-- internal/intent and hosting.Intent). A row is written in the same
-- transaction as its change's first step and removed when the change is
-- finished; a row that outlives its owner (a node by name, see nodes) is
-- completed or rolled back at start-up and by the periodic reconciler.
--
-- No foreign key on account_id: the intent of an account's deletion must
-- outlive the account's row. data is the kind's own JSON.
CREATE TABLE intents (
	id         TEXT   PRIMARY KEY,
	kind       TEXT   NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	owner      TEXT   NOT NULL,
	data       TEXT   NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX intents_created ON intents (created_at);
