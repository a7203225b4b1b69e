-- MLMD schema version 3 for SQLite: contexts (Context, ContextProperty).

-- +goose Up
CREATE TABLE IF NOT EXISTS Context (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  UNIQUE (type_id, name)
);

CREATE TABLE IF NOT EXISTS ContextProperty (
  context_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  is_custom_property TINYINT(1) NOT NULL,
  int_value INT,
  double_value DOUBLE,
  string_value TEXT,
  PRIMARY KEY (context_id, name, is_custom_property)
);

-- +goose Down
-- Drops every context; their types stay until the step down to version 1.
DROP TABLE IF EXISTS ContextProperty;
DROP TABLE IF EXISTS Context;
