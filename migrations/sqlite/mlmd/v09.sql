-- MLMD schema version 9 for SQLite: types and nodes gain external_id, a
-- unique id from the client's own system. SQLite cannot add a UNIQUE
-- column, so Type, Artifact, Execution and Context are copied into new
-- tables (ids and rows kept, external_id NULL) that take their names; the
-- indexes that went with the old tables are made again, with one more on
-- each external_id.

-- +goose Up
CREATE TABLE Type_v09 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL,
  version VARCHAR(255),
  type_kind TINYINT(1) NOT NULL,
  description TEXT,
  input_type TEXT,
  output_type TEXT,
  external_id VARCHAR(255) UNIQUE
);
INSERT INTO Type_v09 (id, name, version, type_kind, description, input_type, output_type)
SELECT id, name, version, type_kind, description, input_type, output_type FROM Type;
DROP TABLE Type;
ALTER TABLE Type_v09 RENAME TO Type;

CREATE TABLE Artifact_v09 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  uri TEXT,
  state INT,
  name VARCHAR(255),
  external_id VARCHAR(255) UNIQUE,
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Artifact_v09 (id, type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch FROM Artifact;
DROP TABLE Artifact;
ALTER TABLE Artifact_v09 RENAME TO Artifact;

CREATE TABLE Execution_v09 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  last_known_state INT,
  name VARCHAR(255),
  external_id VARCHAR(255) UNIQUE,
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Execution_v09 (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch FROM Execution;
DROP TABLE Execution;
ALTER TABLE Execution_v09 RENAME TO Execution;

CREATE TABLE Context_v09 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  external_id VARCHAR(255) UNIQUE,
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Context_v09 (id, type_id, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, name, create_time_since_epoch, last_update_time_since_epoch FROM Context;
DROP TABLE Context;
ALTER TABLE Context_v09 RENAME TO Context;

CREATE INDEX IF NOT EXISTS idx_artifact_uri ON Artifact (uri);
CREATE INDEX IF NOT EXISTS idx_artifact_create_time_since_epoch ON Artifact (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_artifact_last_update_time_since_epoch ON Artifact (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_type_name ON Type (name);
CREATE INDEX IF NOT EXISTS idx_execution_create_time_since_epoch ON Execution (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_execution_last_update_time_since_epoch ON Execution (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_create_time_since_epoch ON Context (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_last_update_time_since_epoch ON Context (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_type_external_id ON Type (external_id);
CREATE INDEX IF NOT EXISTS idx_artifact_external_id ON Artifact (external_id);
CREATE INDEX IF NOT EXISTS idx_execution_external_id ON Execution (external_id);
CREATE INDEX IF NOT EXISTS idx_context_external_id ON Context (external_id);

-- +goose Down
-- External ids are lost.
CREATE TABLE Type_v08 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL,
  version VARCHAR(255),
  type_kind TINYINT(1) NOT NULL,
  description TEXT,
  input_type TEXT,
  output_type TEXT
);
INSERT INTO Type_v08 (id, name, version, type_kind, description, input_type, output_type)
SELECT id, name, version, type_kind, description, input_type, output_type FROM Type;
DROP TABLE Type;
ALTER TABLE Type_v08 RENAME TO Type;

CREATE TABLE Artifact_v08 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  uri TEXT,
  state INT,
  name VARCHAR(255),
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Artifact_v08 (id, type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch FROM Artifact;
DROP TABLE Artifact;
ALTER TABLE Artifact_v08 RENAME TO Artifact;

CREATE TABLE Execution_v08 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  last_known_state INT,
  name VARCHAR(255),
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Execution_v08 (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch FROM Execution;
DROP TABLE Execution;
ALTER TABLE Execution_v08 RENAME TO Execution;

CREATE TABLE Context_v08 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  create_time_since_epoch INT NOT NULL DEFAULT 0,
  last_update_time_since_epoch INT NOT NULL DEFAULT 0,
  UNIQUE (type_id, name)
);
INSERT INTO Context_v08 (id, type_id, name, create_time_since_epoch, last_update_time_since_epoch)
SELECT id, type_id, name, create_time_since_epoch, last_update_time_since_epoch FROM Context;
DROP TABLE Context;
ALTER TABLE Context_v08 RENAME TO Context;

CREATE INDEX IF NOT EXISTS idx_artifact_uri ON Artifact (uri);
CREATE INDEX IF NOT EXISTS idx_artifact_create_time_since_epoch ON Artifact (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_artifact_last_update_time_since_epoch ON Artifact (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_type_name ON Type (name);
CREATE INDEX IF NOT EXISTS idx_execution_create_time_since_epoch ON Execution (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_execution_last_update_time_since_epoch ON Execution (last_update_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_create_time_since_epoch ON Context (create_time_since_epoch);
CREATE INDEX IF NOT EXISTS idx_context_last_update_time_since_epoch ON Context (last_update_time_since_epoch);
