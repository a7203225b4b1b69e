-- MLMD schema version 4 for SQLite: the links of contexts with executions
-- (Association) and with artifacts (Attribution).

-- +goose Up
CREATE TABLE IF NOT EXISTS Association (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  context_id INT NOT NULL,
  execution_id INT NOT NULL,
  UNIQUE (context_id, execution_id)
);

CREATE TABLE IF NOT EXISTS Attribution (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  context_id INT NOT NULL,
  artifact_id INT NOT NULL,
  UNIQUE (context_id, artifact_id)
);

-- +goose Down
DROP TABLE IF EXISTS Attribution;
DROP TABLE IF EXISTS Association;
