-- 0030_login_failures: the brute-force limiter's counts, shared by every
-- node on PostgreSQL so that n nodes allow the guesses one node allows
-- (see internal/limiter). On SQLite (one node) the limiter counts in memory
-- and this table stays empty.
--
-- key is the limiter's: "a:ADDR" (password failures from an address),
-- "u:IDENTITY" (password failures of one identity), "t:ADDR" (bad API
-- tokens from an address). failures counts within the window begun at
-- window_start; blocked_until is when a block ends (0: none). Times are
-- Unix seconds of the nodes' clocks. Rows that neither block nor count
-- within a window are pruned periodically.
CREATE TABLE login_failures (
	key           TEXT    NOT NULL PRIMARY KEY,
	failures      INTEGER NOT NULL,
	window_start  BIGINT  NOT NULL,
	blocked_until BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX login_failures_prune ON login_failures (window_start);
