-- gomlmd's indexes on the link tables, leading with the node column.
--
-- MLMD's schema version 10 keys Attribution on (context_id, artifact_id)
-- and Association on (context_id, execution_id), so finding the contexts of
-- an artifact or an execution (GetContextsByArtifact, GetContextsByExecution,
-- the links of a lineage answer) scans the whole table. These two indexes
-- are gomlmd's own: the schema stays MLMD's version 10 (MLMDEnv is not
-- touched, and MLMD opens a database that has extra indexes), and the
-- gomlmd_ prefix keeps the names clear of any index a later MLMD adds.
--
-- IF NOT EXISTS makes the migration idempotent. On a database that MLMD
-- created, migration 1 changes nothing and this one only builds the two
-- indexes: no row is rewritten.

-- +goose Up
CREATE INDEX IF NOT EXISTS gomlmd_idx_attribution_artifact_id ON Attribution (artifact_id);
CREATE INDEX IF NOT EXISTS gomlmd_idx_association_execution_id ON Association (execution_id);

-- +goose Down
DROP INDEX IF EXISTS gomlmd_idx_association_execution_id;
DROP INDEX IF EXISTS gomlmd_idx_attribution_artifact_id;
