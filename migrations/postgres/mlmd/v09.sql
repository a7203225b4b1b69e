-- MLMD schema v8 -> v9 (PostgreSQL): Type, Artifact, Execution and Context
-- gain external_id, an id from the client's own system: unique where set,
-- NULL on every existing row, and indexed (idx_..._external_id).
--
-- MLMD copies each of the four tables into a new one to add the column;
-- adding it in place keeps every row, the tables' sequences and the
-- BIGINT timestamps as they are. The unique constraint is declared with
-- the column, as version 10's DDL declares it, so it gets the same name
-- (type_external_id_key, ...). MLMD lists no downgrade from 9 to 8 for
-- PostgreSQL; Down drops the indexes and the column (and with it its
-- constraint), the inverse of Up.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
ALTER TABLE Type ADD COLUMN IF NOT EXISTS external_id VARCHAR(255) UNIQUE;
ALTER TABLE Artifact ADD COLUMN IF NOT EXISTS external_id VARCHAR(255) UNIQUE;
ALTER TABLE Execution ADD COLUMN IF NOT EXISTS external_id VARCHAR(255) UNIQUE;
ALTER TABLE Context ADD COLUMN IF NOT EXISTS external_id VARCHAR(255) UNIQUE;
CREATE INDEX IF NOT EXISTS idx_type_external_id ON Type (external_id);
CREATE INDEX IF NOT EXISTS idx_artifact_external_id ON Artifact (external_id);
CREATE INDEX IF NOT EXISTS idx_execution_external_id ON Execution (external_id);
CREATE INDEX IF NOT EXISTS idx_context_external_id ON Context (external_id);

-- +goose Down
DROP INDEX IF EXISTS idx_type_external_id;
DROP INDEX IF EXISTS idx_artifact_external_id;
DROP INDEX IF EXISTS idx_execution_external_id;
DROP INDEX IF EXISTS idx_context_external_id;
ALTER TABLE Type DROP COLUMN IF EXISTS external_id;
ALTER TABLE Artifact DROP COLUMN IF EXISTS external_id;
ALTER TABLE Execution DROP COLUMN IF EXISTS external_id;
ALTER TABLE Context DROP COLUMN IF EXISTS external_id;
