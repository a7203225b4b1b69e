-- MLMD schema version 8 for SQLite: indexes on property values, and one
-- event per (artifact, execution, type). Event is copied into a table with
-- that unique key, keeping ids; of events that repeat a key, the one with
-- the highest id stays (MLMD's choice), and the paths of the others go.

-- +goose Up
CREATE INDEX IF NOT EXISTS idx_artifact_property_int ON ArtifactProperty (name, is_custom_property, int_value) WHERE int_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_artifact_property_double ON ArtifactProperty (name, is_custom_property, double_value) WHERE double_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_artifact_property_string ON ArtifactProperty (name, is_custom_property, string_value) WHERE string_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_execution_property_int ON ExecutionProperty (name, is_custom_property, int_value) WHERE int_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_execution_property_double ON ExecutionProperty (name, is_custom_property, double_value) WHERE double_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_execution_property_string ON ExecutionProperty (name, is_custom_property, string_value) WHERE string_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_context_property_int ON ContextProperty (name, is_custom_property, int_value) WHERE int_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_context_property_double ON ContextProperty (name, is_custom_property, double_value) WHERE double_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_context_property_string ON ContextProperty (name, is_custom_property, string_value) WHERE string_value IS NOT NULL;

CREATE TABLE Event_v08 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  artifact_id INT NOT NULL,
  execution_id INT NOT NULL,
  type INT NOT NULL,
  milliseconds_since_epoch INT,
  UNIQUE (artifact_id, execution_id, type)
);
INSERT INTO Event_v08 (id, artifact_id, execution_id, type, milliseconds_since_epoch)
SELECT id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event e
WHERE NOT EXISTS (
  SELECT 1 FROM Event later
  WHERE later.artifact_id = e.artifact_id AND later.execution_id = e.execution_id
    AND later.type = e.type AND later.id > e.id
);
DELETE FROM EventPath WHERE event_id NOT IN (SELECT id FROM Event_v08);
DROP TABLE Event;
ALTER TABLE Event_v08 RENAME TO Event;
CREATE INDEX IF NOT EXISTS idx_event_execution_id ON Event (execution_id);

-- +goose Down
DROP INDEX IF EXISTS idx_artifact_property_int;
DROP INDEX IF EXISTS idx_artifact_property_double;
DROP INDEX IF EXISTS idx_artifact_property_string;
DROP INDEX IF EXISTS idx_execution_property_int;
DROP INDEX IF EXISTS idx_execution_property_double;
DROP INDEX IF EXISTS idx_execution_property_string;
DROP INDEX IF EXISTS idx_context_property_int;
DROP INDEX IF EXISTS idx_context_property_double;
DROP INDEX IF EXISTS idx_context_property_string;

CREATE TABLE Event_v07 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  artifact_id INT NOT NULL,
  execution_id INT NOT NULL,
  type INT NOT NULL,
  milliseconds_since_epoch INT
);
INSERT INTO Event_v07 (id, artifact_id, execution_id, type, milliseconds_since_epoch)
SELECT id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event;
DROP TABLE Event;
ALTER TABLE Event_v07 RENAME TO Event;
CREATE INDEX IF NOT EXISTS idx_event_artifact_id ON Event (artifact_id);
CREATE INDEX IF NOT EXISTS idx_event_execution_id ON Event (execution_id);
