-- MLMD schema v3 -> v4 (PostgreSQL): the Association (context, execution)
-- and Attribution (context, artifact) tables. Down drops them, and the
-- links with them: version 3 has no place for links.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
CREATE TABLE IF NOT EXISTS Association (
  id SERIAL PRIMARY KEY,
  context_id INT NOT NULL,
  execution_id INT NOT NULL,
  UNIQUE (context_id, execution_id)
);

CREATE TABLE IF NOT EXISTS Attribution (
  id SERIAL PRIMARY KEY,
  context_id INT NOT NULL,
  artifact_id INT NOT NULL,
  UNIQUE (context_id, artifact_id)
);

-- +goose Down
DROP TABLE IF EXISTS Attribution;
DROP TABLE IF EXISTS Association;
