-- MLMD schema version 6 for SQLite: parent types (ParentType) and parent
-- contexts (ParentContext); Type gains version and description, placed as
-- MLMD places them (after name, after type_kind), so Type is copied into a
-- new table, keeping ids and rows; and the first secondary indexes.

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

CREATE TABLE Type_v06 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL,
  version VARCHAR(255),
  type_kind TINYINT(1) NOT NULL,
  description TEXT,
  input_type TEXT,
  output_type TEXT
);
INSERT INTO Type_v06 (id, name, type_kind, input_type, output_type)
SELECT id, name, type_kind, input_type, output_type FROM Type;
DROP TABLE Type;
ALTER TABLE Type_v06 RENAME TO Type;

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
-- Parent types, parent contexts, and the versions and descriptions of
-- types are lost.
DROP TABLE IF EXISTS ParentType;
DROP TABLE IF EXISTS ParentContext;

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

CREATE TABLE Type_v05 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL,
  type_kind TINYINT(1) NOT NULL,
  input_type TEXT,
  output_type TEXT
);
INSERT INTO Type_v05 (id, name, type_kind, input_type, output_type)
SELECT id, name, type_kind, input_type, output_type FROM Type;
DROP TABLE Type;
ALTER TABLE Type_v05 RENAME TO Type;
