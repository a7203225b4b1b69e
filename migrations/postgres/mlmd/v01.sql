-- MLMD schema v0 -> v1 (PostgreSQL): MLMDEnv.
--
-- Version 0 is MLMD 0.13.2's schema, which has no MLMDEnv table; version 1
-- adds it. The runner writes the version into it after this step; going
-- down, dropping it is what makes the database version 0 again. (MLMD
-- supported PostgreSQL only from a later version on and lists no
-- downgrade to 0 for it; dropping the table is the inverse of this step.)
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
CREATE TABLE IF NOT EXISTS MLMDEnv (
  schema_version INT PRIMARY KEY
);

-- +goose Down
DROP TABLE IF EXISTS MLMDEnv;
