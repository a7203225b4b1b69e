-- gomlmd's indexes on the link tables, leading with the node column (see
-- migrations/sqlite/00002_link_indexes.sql for why). The schema stays
-- MLMD's version 10. PostgreSQL has CREATE INDEX IF NOT EXISTS and DROP
-- INDEX IF EXISTS, so both directions are idempotent as they are.

-- +goose Up
CREATE INDEX IF NOT EXISTS gomlmd_idx_attribution_artifact_id ON Attribution (artifact_id);
CREATE INDEX IF NOT EXISTS gomlmd_idx_association_execution_id ON Association (execution_id);

-- +goose Down
DROP INDEX IF EXISTS gomlmd_idx_association_execution_id;
DROP INDEX IF EXISTS gomlmd_idx_attribution_artifact_id;
