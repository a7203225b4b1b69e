-- MLMD schema v7 -> v8 (PostgreSQL): indexes on the property tables by
-- (name, is_custom_property, value) for each kind of value, and Event
-- becomes unique on (artifact_id, execution_id, type) (constraint
-- UniqueEvent), which also serves lookups by artifact_id, so
-- idx_event_artifact_id goes.
--
-- A database of version 7 may hold several events of the same artifact,
-- execution and type. As MLMD does, the upgrade keeps the latest of them
-- (the highest id) and deletes the others, with their EventPath rows: the
-- one upgrade step that removes rows, as version 8 cannot hold them. Event
-- keeps its table (MLMD copies it into a new one), so its sequence and the
-- ids of the events that stay do not change, and EventPath rows that
-- belong to no event are left alone. The duplicates are found by grouping
-- Event once, not by joining it with itself.
--
-- Down removes UniqueEvent and the property indexes, and brings back
-- idx_event_artifact_id; no row changes.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
CREATE INDEX IF NOT EXISTS idx_artifact_property_int ON ArtifactProperty (name, is_custom_property, int_value);
CREATE INDEX IF NOT EXISTS idx_artifact_property_double ON ArtifactProperty (name, is_custom_property, double_value);
CREATE INDEX IF NOT EXISTS idx_artifact_property_string ON ArtifactProperty (name, is_custom_property, string_value);
CREATE INDEX IF NOT EXISTS idx_execution_property_int ON ExecutionProperty (name, is_custom_property, int_value);
CREATE INDEX IF NOT EXISTS idx_execution_property_double ON ExecutionProperty (name, is_custom_property, double_value);
CREATE INDEX IF NOT EXISTS idx_execution_property_string ON ExecutionProperty (name, is_custom_property, string_value);
CREATE INDEX IF NOT EXISTS idx_context_property_int ON ContextProperty (name, is_custom_property, int_value);
CREATE INDEX IF NOT EXISTS idx_context_property_double ON ContextProperty (name, is_custom_property, double_value);
CREATE INDEX IF NOT EXISTS idx_context_property_string ON ContextProperty (name, is_custom_property, string_value);

DELETE FROM EventPath AS p
USING Event AS e,
  (SELECT artifact_id, execution_id, type, MAX(id) AS latest
   FROM Event GROUP BY artifact_id, execution_id, type
   HAVING COUNT(*) > 1) AS dup
WHERE p.event_id = e.id
  AND dup.artifact_id = e.artifact_id AND dup.execution_id = e.execution_id
  AND dup.type = e.type AND e.id < dup.latest;
DELETE FROM Event AS e
USING
  (SELECT artifact_id, execution_id, type, MAX(id) AS latest
   FROM Event GROUP BY artifact_id, execution_id, type
   HAVING COUNT(*) > 1) AS dup
WHERE dup.artifact_id = e.artifact_id AND dup.execution_id = e.execution_id
  AND dup.type = e.type AND e.id < dup.latest;
ALTER TABLE Event ADD CONSTRAINT UniqueEvent UNIQUE (artifact_id, execution_id, type);
DROP INDEX IF EXISTS idx_event_artifact_id;
CREATE INDEX IF NOT EXISTS idx_event_execution_id ON Event (execution_id);

-- +goose Down
CREATE INDEX IF NOT EXISTS idx_event_artifact_id ON Event (artifact_id);
ALTER TABLE Event DROP CONSTRAINT IF EXISTS UniqueEvent;
DROP INDEX IF EXISTS idx_artifact_property_int;
DROP INDEX IF EXISTS idx_artifact_property_double;
DROP INDEX IF EXISTS idx_artifact_property_string;
DROP INDEX IF EXISTS idx_execution_property_int;
DROP INDEX IF EXISTS idx_execution_property_double;
DROP INDEX IF EXISTS idx_execution_property_string;
DROP INDEX IF EXISTS idx_context_property_int;
DROP INDEX IF EXISTS idx_context_property_double;
DROP INDEX IF EXISTS idx_context_property_string;
