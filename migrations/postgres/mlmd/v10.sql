-- MLMD schema v9 -> v10 (PostgreSQL): the property tables gain proto_value
-- (BYTEA, a google.protobuf.Any) and bool_value (BOOLEAN), NULL on every
-- existing row.
--
-- This step also brings the columns that MLMD's older PostgreSQL DDL typed
-- differently to version 10's types, so that every upgraded database
-- matches a new one: the property tables' is_custom_property and
-- EventPath.is_index_step are SMALLINT in MLMD's DDL of the older versions
-- and BOOLEAN in version 10 (0 becomes false, anything else true), and
-- MLMD's own upgrade to version 9 leaves the nodes' timestamps INT where
-- version 10 has BIGINT. A column that already has version 10's type is
-- left alone.
--
-- Down drops proto_value and bool_value, and the proto and boolean
-- property values with them: version 9 cannot hold them. The columns
-- above stay BOOLEAN and BIGINT, as after MLMD's own downgrade.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
  c record;
BEGIN
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
ALTER TABLE ArtifactProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
ALTER TABLE ExecutionProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
ALTER TABLE ContextProperty
  DROP COLUMN IF EXISTS proto_value,
  DROP COLUMN IF EXISTS bool_value;
