-- MLMD schema version 5 for SQLite: nodes get a state, a name unique within
-- their type (artifacts and executions), and creation and update times.
-- SQLite cannot add a table constraint to a table, so Artifact and
-- Execution are copied into new tables, which then take their names; ids
-- and every row are kept, and the new columns start as NULL or 0. Context
-- only gains columns at its end.

-- +goose Up
CREATE TABLE Artifact_v05 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  uri TEXT,
  state INT,
  name VARCHAR(255),
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Artifact_v05 (id, type_id, uri) SELECT id, type_id, uri FROM Artifact;
DROP TABLE Artifact;
ALTER TABLE Artifact_v05 RENAME TO Artifact;

CREATE TABLE Execution_v05 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  last_known_state INT,
  name VARCHAR(255),
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Execution_v05 (id, type_id) SELECT id, type_id FROM Execution;
DROP TABLE Execution;
ALTER TABLE Execution_v05 RENAME TO Execution;

ALTER TABLE Context ADD COLUMN create_time_since_epoch INT NOT NULL DEFAULT 0;
ALTER TABLE Context ADD COLUMN last_update_time_since_epoch INT NOT NULL DEFAULT 0;

-- +goose Down
-- The states, the artifact and execution names and all times are lost.
CREATE TABLE Artifact_v04 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  uri TEXT
);
INSERT INTO Artifact_v04 (id, type_id, uri) SELECT id, type_id, uri FROM Artifact;
DROP TABLE Artifact;
ALTER TABLE Artifact_v04 RENAME TO Artifact;

CREATE TABLE Execution_v04 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL
);
INSERT INTO Execution_v04 (id, type_id) SELECT id, type_id FROM Execution;
DROP TABLE Execution;
ALTER TABLE Execution_v04 RENAME TO Execution;

CREATE TABLE Context_v04 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  UNIQUE (type_id, name)
);
INSERT INTO Context_v04 (id, type_id, name) SELECT id, type_id, name FROM Context;
DROP TABLE Context;
ALTER TABLE Context_v04 RENAME TO Context;
