-- MLMD schema v5 -> v6 (PostgreSQL): parent types and parent contexts
-- (tables ParentType and ParentContext), Type.version and
-- Type.description, and secondary indexes on Type.name, Artifact.uri,
-- Event's artifact_id and execution_id, ParentContext.parent_context_id
-- and the nodes' timestamps.
--
-- Down drops them all: the parent links, and the versions and descriptions
-- of types, with them.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
CREATE TABLE IF NOT EXISTS ParentType (
  type_id INT NOT NULL,
  parent_type_id INT NOT NULL,
  PRIMARY KEY (type_id, parent_type_id)
);

CREATE TABLE IF NOT EXISTS ParentContext (
  context_id INT NOT NULL,
  parent_context_id INT NOT NULL,
  PRIMARY KEY (context_id, parent_context_id)
);

ALTER TABLE Type
  ADD COLUMN IF NOT EXISTS version VARCHAR(255),
  ADD COLUMN IF NOT EXISTS description TEXT;

CREATE INDEX IF NOT EXISTS idx_artifact_uri ON Artifact (uri);
CREATE INDEX IF NOT EXISTS idx_artifact_create_time_since_epoch ON Artifact (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_artifact_last_update_time_since_epoch ON Artifact (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_event_artifact_id ON Event (artifact_id);
CREATE INDEX IF NOT EXISTS idx_event_execution_id ON Event (execution_id);
CREATE INDEX IF NOT EXISTS idx_parentcontext_parent_context_id ON ParentContext (parent_context_id);
CREATE INDEX IF NOT EXISTS idx_type_name ON Type (name);
CREATE INDEX IF NOT EXISTS idx_execution_create_time_since_epoch ON Execution (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_execution_last_update_time_since_epoch ON Execution (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_create_time_since_epoch ON Context (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_last_update_time_since_epoch ON Context (last_update_time_since_epoch);

-- +goose Down
DROP TABLE IF EXISTS ParentType;
DROP TABLE IF EXISTS ParentContext;
ALTER TABLE Type
  DROP COLUMN IF EXISTS version,
  DROP COLUMN IF EXISTS description;
DROP INDEX IF EXISTS idx_artifact_uri;
DROP INDEX IF EXISTS idx_artifact_create_time_since_epoch;
DROP INDEX IF EXISTS idx_artifact_last_update_time_since_epoch;
DROP INDEX IF EXISTS idx_event_artifact_id;
DROP INDEX IF EXISTS idx_event_execution_id;
DROP INDEX IF EXISTS idx_type_name;
DROP INDEX IF EXISTS idx_execution_create_time_since_epoch;
DROP INDEX IF EXISTS idx_execution_last_update_time_since_epoch;
DROP INDEX IF EXISTS idx_context_create_time_since_epoch;
DROP INDEX IF EXISTS idx_context_last_update_time_since_epoch;
