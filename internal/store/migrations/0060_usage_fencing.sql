-- 0060_usage_fencing: rescans and reclaimed marks that are right while
-- other nodes hold leases on the same account (see docs/cluster.md).
--
-- usage_generations.generation moves on with every mark taken on the
-- account (usage_marks +1). A rescan reads it before it walks and stores
-- its counts only if it has not moved and no live node other than its own
-- holds a mark: so no lease ran while it walked. The row is locked by the
-- rescan's write and by every mark, which therefore queue behind each
-- other on PostgreSQL.
CREATE TABLE usage_generations (
	account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	generation BIGINT NOT NULL DEFAULT 0
);

-- usage_marks.epoch is the generation at which the mark row was made. A
-- node's changes under its mark carry the epoch and apply only while the
-- row is still there with that epoch: a node taken for dead, whose mark a
-- rescan removed, finds its changes refused (fenced) and must mark again
-- and recount instead of writing against counts that no longer hold its
-- reservations.
ALTER TABLE usage_marks ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
