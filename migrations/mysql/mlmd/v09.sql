-- MLMD schema v8 -> v9 (MySQL, MariaDB): Type, Artifact, Execution and
-- Context gain external_id, an id from the client's own system: unique
-- where set, NULL on every existing row, and indexed (idx_..._external_id).
--
-- The unique key is declared with the column, as MLMD's and gomlmd's
-- version 10 DDL declare it (MySQL names it after the column,
-- external_id), so an upgraded database has the keys of a new one. Down
-- drops the column, which drops both indexes on it.
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

-- +goose Up
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'external_id'),
  'DO 0',
  'ALTER TABLE `Type` ADD COLUMN `external_id` VARCHAR(255) UNIQUE,
     ADD INDEX `idx_type_external_id` (`external_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND column_name = 'external_id'),
  'DO 0',
  'ALTER TABLE `Artifact` ADD COLUMN `external_id` VARCHAR(255) UNIQUE,
     ADD INDEX `idx_artifact_external_id` (`external_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND column_name = 'external_id'),
  'DO 0',
  'ALTER TABLE `Execution` ADD COLUMN `external_id` VARCHAR(255) UNIQUE,
     ADD INDEX `idx_execution_external_id` (`external_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND column_name = 'external_id'),
  'DO 0',
  'ALTER TABLE `Context` ADD COLUMN `external_id` VARCHAR(255) UNIQUE,
     ADD INDEX `idx_context_external_id` (`external_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'external_id'),
  'ALTER TABLE `Type` DROP COLUMN `external_id`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND column_name = 'external_id'),
  'ALTER TABLE `Artifact` DROP COLUMN `external_id`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND column_name = 'external_id'),
  'ALTER TABLE `Execution` DROP COLUMN `external_id`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND column_name = 'external_id'),
  'ALTER TABLE `Context` DROP COLUMN `external_id`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
