-- MLMD schema v1 -> v2 (MySQL, MariaDB): Type.is_artifact_type becomes
-- Type.type_kind (1 artifact type, 0 execution type, and from now on 2
-- context type); the rows keep their ids and values.
--
-- Down: version 1 cannot hold context types, so they go, together with
-- their TypeProperty rows (left behind, they would attach to a type that
-- later reuses the id), and the column gets its old name back.
--
-- MySQL and MariaDB commit each DDL statement on its own, so a step cut
-- short leaves part of its work done while MLMDEnv still names the version
-- before it; the runner then runs the whole step again. Each statement is
-- therefore safe to run twice: tables are created and dropped with IF [NOT]
-- EXISTS, and every ALTER, CREATE INDEX and DROP INDEX runs only when
-- information_schema shows that its work is still to do (MySQL 8 has no IF
-- [NOT] EXISTS for columns and indexes, so the statement is chosen there and
-- run as a prepared statement, as in 00002_link_indexes.sql). An ALTER TABLE
-- that does several things is one atomic statement on InnoDB (MySQL 8,
-- MariaDB 10.6 and later), so one check guards all of it.
--
-- The DELETEs name type_kind, so they too run only while that column is
-- there: after the rename, a second run skips them.

-- +goose Up
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'is_artifact_type'),
  'ALTER TABLE `Type` CHANGE COLUMN `is_artifact_type` `type_kind` TINYINT(1) NOT NULL',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'type_kind'),
  'DELETE FROM `TypeProperty` WHERE `type_id` IN (SELECT `id` FROM `Type` WHERE `type_kind` = 2)',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'type_kind'),
  'DELETE FROM `Type` WHERE `type_kind` = 2',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'type_kind'),
  'ALTER TABLE `Type` CHANGE COLUMN `type_kind` `is_artifact_type` TINYINT(1) NOT NULL',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
