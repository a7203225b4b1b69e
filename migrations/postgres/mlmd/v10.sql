-- MLMD schema v9 -> v10 (PostgreSQL): the property tables gain proto_value
-- (BYTEA, a google.protobuf.Any) and bool_value (BOOLEAN), NULL on every
-- existing row.
--
-- This step also brings what MLMD's older PostgreSQL DDL, and its own
-- upgrades, made differently to version 10's shape, so that every upgraded
-- database matches a new one; what already matches is left alone:
--
--   - the property tables' is_custom_property and EventPath.is_index_step
--     are SMALLINT in MLMD's DDL of the older versions and BOOLEAN in
--     version 10 (0 becomes false, anything else true);
--   - MLMD's upgrade to version 9 copies Type, Artifact, Execution and
--     Context into new tables (TypeTemp, ...) and its upgrade to 8 Event
--     (EventTemp), renamed afterwards: their node timestamps become INT,
--     where version 10 has BIGINT, and their sequences, primary and unique
--     keys keep the temporary tables' names (typetemp_id_seq,
--     artifacttemp_type_id_name_key, ...); they get version 10's types and
--     names (type_id_seq, UniqueArtifactTypeName, ...);
--   - the copies keep the rows' ids without moving the new sequences on,
--     so a sequence behind its table's highest id is set to it.
--
-- Down drops proto_value and bool_value, and the proto and boolean
-- property values with them: version 9 cannot hold them. A property row
-- that holds no other value would be left with none at all, so it goes (as
-- in the SQLite chain); the other rows stay. The columns above stay
-- BOOLEAN and BIGINT, and the names as they are, as after MLMD's own
-- downgrade.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
  c record;
  want text;
  seq regclass;
BEGIN
  -- Column types.
  FOR c IN
    SELECT table_name, column_name, data_type FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND ((data_type = 'smallint'
            AND ((table_name IN ('artifactproperty', 'executionproperty', 'contextproperty')
                  AND column_name = 'is_custom_property')
                 OR (table_name = 'eventpath' AND column_name = 'is_index_step')))
        OR (data_type = 'integer'
            AND table_name IN ('artifact', 'execution', 'context')
            AND column_name IN ('create_time_since_epoch', 'last_update_time_since_epoch')))
    ORDER BY table_name, column_name
  LOOP
    IF c.data_type = 'smallint' THEN
      EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE BOOLEAN USING %I <> 0',
                     c.table_name, c.column_name, c.column_name);
    ELSE
      EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE BIGINT',
                     c.table_name, c.column_name);
    END IF;
  END LOOP;

  -- Names of primary and unique keys (renaming a key renames its index).
  FOR c IN
    SELECT t.relname AS tbl, k.conname, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    WHERE t.relnamespace = to_regnamespace(current_schema())
      AND t.relname IN ('type', 'artifact', 'execution', 'context', 'event')
      AND k.contype IN ('p', 'u')
    ORDER BY t.relname, k.conname
  LOOP
    want := CASE
      WHEN c.def = 'PRIMARY KEY (id)' THEN c.tbl || '_pkey'
      WHEN c.def = 'UNIQUE (external_id)' THEN c.tbl || '_external_id_key'
      WHEN c.def = 'UNIQUE (type_id, name)' THEN
        CASE c.tbl
          WHEN 'artifact' THEN 'uniqueartifacttypename'
          WHEN 'execution' THEN 'uniqueexecutiontypename'
          WHEN 'context' THEN 'context_type_id_name_key'
        END
      WHEN c.tbl = 'event' AND c.def = 'UNIQUE (artifact_id, execution_id, type)' THEN 'uniqueevent'
    END;
    IF want IS NOT NULL AND want <> c.conname AND NOT EXISTS (
        SELECT 1 FROM pg_class
        WHERE relnamespace = to_regnamespace(current_schema()) AND relname = want) THEN
      EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', c.tbl, c.conname, want);
    END IF;
  END LOOP;

  -- The id sequences: their names, and where they stand.
  FOR c IN
    SELECT t.tbl FROM unnest(ARRAY['type', 'artifact', 'execution', 'context', 'event']) AS t (tbl)
  LOOP
    seq := pg_get_serial_sequence(c.tbl, 'id')::regclass;
    CONTINUE WHEN seq IS NULL;
    want := c.tbl || '_id_seq';
    IF (SELECT relname FROM pg_class WHERE oid = seq) <> want AND NOT EXISTS (
        SELECT 1 FROM pg_class
        WHERE relnamespace = to_regnamespace(current_schema()) AND relname = want) THEN
      EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', seq, want);
    END IF;
    EXECUTE format(
      'SELECT setval(%L, m) FROM (SELECT MAX(id) AS m FROM %I) AS top, %s AS s '
      'WHERE m >= CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END',
      seq, c.tbl, seq);
  END LOOP;
END
$$;
-- +goose StatementEnd

ALTER TABLE ArtifactProperty
  ADD COLUMN IF NOT EXISTS proto_value BYTEA,
  ADD COLUMN IF NOT EXISTS bool_value BOOLEAN;
ALTER TABLE ExecutionProperty
  ADD COLUMN IF NOT EXISTS proto_value BYTEA,
  ADD COLUMN IF NOT EXISTS bool_value BOOLEAN;
ALTER TABLE ContextProperty
  ADD COLUMN IF NOT EXISTS proto_value BYTEA,
  ADD COLUMN IF NOT EXISTS bool_value BOOLEAN;

-- +goose Down
DELETE FROM ArtifactProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
DELETE FROM ExecutionProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
DELETE FROM ContextProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
ALTER TABLE ArtifactProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
ALTER TABLE ExecutionProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
ALTER TABLE ContextProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
