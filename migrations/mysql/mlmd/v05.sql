-- MLMD schema v4 -> v5 (MySQL, MariaDB): Artifact gains state, name and
-- the two timestamps, Execution last_known_state, name and the timestamps,
-- Context the timestamps; an artifact's or execution's name is unique
-- within its type. Existing rows get NULL state and name, and timestamps 0.
--
-- Down drops those columns again (the unique key on (type_id, name) first:
-- dropping only the name column would leave a key on type_id alone).
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
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND column_name = 'state'),
  'DO 0',
  'ALTER TABLE `Artifact` ADD COLUMN `state` INT,
     ADD COLUMN `name` VARCHAR(255),
     ADD COLUMN `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
     ADD COLUMN `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
     ADD CONSTRAINT `UniqueArtifactTypeName` UNIQUE (`type_id`, `name`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND column_name = 'last_known_state'),
  'DO 0',
  'ALTER TABLE `Execution` ADD COLUMN `last_known_state` INT,
     ADD COLUMN `name` VARCHAR(255),
     ADD COLUMN `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
     ADD COLUMN `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
     ADD CONSTRAINT `UniqueExecutionTypeName` UNIQUE (`type_id`, `name`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND column_name = 'create_time_since_epoch'),
  'DO 0',
  'ALTER TABLE `Context` ADD COLUMN `create_time_since_epoch` BIGINT NOT NULL DEFAULT 0,
     ADD COLUMN `last_update_time_since_epoch` BIGINT NOT NULL DEFAULT 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND column_name = 'state'),
  'ALTER TABLE `Artifact` DROP INDEX `UniqueArtifactTypeName`,
     DROP COLUMN `state`,
     DROP COLUMN `name`,
     DROP COLUMN `create_time_since_epoch`,
     DROP COLUMN `last_update_time_since_epoch`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND column_name = 'last_known_state'),
  'ALTER TABLE `Execution` DROP INDEX `UniqueExecutionTypeName`,
     DROP COLUMN `last_known_state`,
     DROP COLUMN `name`,
     DROP COLUMN `create_time_since_epoch`,
     DROP COLUMN `last_update_time_since_epoch`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND column_name = 'create_time_since_epoch'),
  'ALTER TABLE `Context` DROP COLUMN `create_time_since_epoch`,
     DROP COLUMN `last_update_time_since_epoch`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
