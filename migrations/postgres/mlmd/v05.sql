-- MLMD schema v4 -> v5 (PostgreSQL): Artifact gains state, name and the
-- two timestamps, Execution last_known_state, name and the timestamps,
-- Context the timestamps; an artifact's or execution's name is unique
-- within its type. Existing rows get NULL state and name, and timestamps 0.
-- Down drops those columns and constraints again.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
ALTER TABLE Artifact
  ADD COLUMN state INT,
  ADD COLUMN name VARCHAR(255),
  ADD COLUMN create_time_since_epoch BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN last_update_time_since_epoch BIGINT NOT NULL DEFAULT 0,
  ADD CONSTRAINT UniqueArtifactTypeName UNIQUE (type_id, name);

ALTER TABLE Execution
  ADD COLUMN last_known_state INT,
  ADD COLUMN name VARCHAR(255),
  ADD COLUMN create_time_since_epoch BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN last_update_time_since_epoch BIGINT NOT NULL DEFAULT 0,
  ADD CONSTRAINT UniqueExecutionTypeName UNIQUE (type_id, name);

ALTER TABLE Context
  ADD COLUMN create_time_since_epoch BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN last_update_time_since_epoch BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE Artifact
  DROP CONSTRAINT IF EXISTS UniqueArtifactTypeName,
  DROP COLUMN IF EXISTS state,
  DROP COLUMN IF EXISTS name,
  DROP COLUMN IF EXISTS create_time_since_epoch,
  DROP COLUMN IF EXISTS last_update_time_since_epoch;

ALTER TABLE Execution
  DROP CONSTRAINT IF EXISTS UniqueExecutionTypeName,
  DROP COLUMN IF EXISTS last_known_state,
  DROP COLUMN IF EXISTS name,
  DROP COLUMN IF EXISTS create_time_since_epoch,
  DROP COLUMN IF EXISTS last_update_time_since_epoch;

ALTER TABLE Context
  DROP COLUMN IF EXISTS create_time_since_epoch,
  DROP COLUMN IF EXISTS last_update_time_since_epoch;
