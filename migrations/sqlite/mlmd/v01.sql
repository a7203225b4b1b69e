-- MLMD schema version 1 for SQLite: the MLMDEnv table, which records the
-- schema version. Version 0 (MLMD 0.13.2) has no such table; the runner
-- writes the version after this step, as after every other.

-- +goose Up
CREATE TABLE IF NOT EXISTS MLMDEnv (
  schema_version INTEGER PRIMARY KEY
);

-- +goose Down
DROP TABLE IF EXISTS MLMDEnv;
