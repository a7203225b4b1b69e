-- MLMD schema v2 -> v3 (PostgreSQL): the Context and ContextProperty
-- tables. Down drops them, and the contexts with them: version 2 has no
-- place for contexts.
--
-- ContextProperty.is_custom_property is SMALLINT, as in MLMD's DDL for
-- this version and in the other property tables of version 0; version 10
-- has BOOLEAN there, which v10.sql converts to (see there).
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
CREATE TABLE IF NOT EXISTS Context (
  id SERIAL PRIMARY KEY,
  type_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  UNIQUE (type_id, name)
);

CREATE TABLE IF NOT EXISTS ContextProperty (
  context_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  is_custom_property SMALLINT NOT NULL,
  int_value INT,
  double_value DOUBLE PRECISION,
  string_value TEXT,
  PRIMARY KEY (context_id, name, is_custom_property)
);

-- +goose Down
DROP TABLE IF EXISTS ContextProperty;
DROP TABLE IF EXISTS Context;
