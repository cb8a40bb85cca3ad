-- 0050_usage_temp_files: the temporary files of changes in progress (a Web
-- Disk PUT writes one and renames it into place), recorded with the
-- change's usage mark and forgotten when it ends. A crash leaves them
-- recorded, so the rescan that repairs the dead node's mark removes them
-- without looking for them. No foreign key to nodes, as for usage_marks.
CREATE TABLE usage_temp_files (
	node_id    BIGINT NOT NULL,
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	path       TEXT   NOT NULL,
	PRIMARY KEY (node_id, account_id, path)
);
