-- MLMD schema v6 -> v7 (PostgreSQL): the property tables gain byte_value
-- (BYTEA); EventPath gets an index on event_id. (On MySQL this version also
-- widens string_value; on PostgreSQL it is TEXT, unbounded, throughout.)
--
-- Down drops them, and the byte values with them. MLMD's downgrade also
-- cuts string values to 65535 characters on PostgreSQL, a rule carried
-- over from MySQL's TEXT; version 6 has the same unbounded TEXT column
-- here, so this one keeps the strings whole.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
ALTER TABLE ArtifactProperty ADD COLUMN IF NOT EXISTS byte_value BYTEA;
ALTER TABLE ExecutionProperty ADD COLUMN IF NOT EXISTS byte_value BYTEA;
ALTER TABLE ContextProperty ADD COLUMN IF NOT EXISTS byte_value BYTEA;
CREATE INDEX IF NOT EXISTS idx_eventpath_event_id ON EventPath (event_id);

-- +goose Down
DROP INDEX IF EXISTS idx_eventpath_event_id;
ALTER TABLE ArtifactProperty DROP COLUMN IF EXISTS byte_value;
ALTER TABLE ExecutionProperty DROP COLUMN IF EXISTS byte_value;
ALTER TABLE ContextProperty DROP COLUMN IF EXISTS byte_value;
