-- MLMD schema v5 -> v6 (MySQL, MariaDB): parent types and parent contexts
-- (tables ParentType and ParentContext), Type.version and
-- Type.description, and secondary indexes on Type.name, Artifact.uri (its
-- first 255 characters: MySQL indexes a prefix of a TEXT column), Event's
-- artifact_id and execution_id, ParentContext.parent_context_id and the
-- nodes' timestamps.
--
-- Down drops them all: the parent links, and the versions and descriptions
-- of types, with them.
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
-- ParentContext's index is declared in its CREATE TABLE, so that it comes
-- and goes with the table.

-- +goose Up
CREATE TABLE IF NOT EXISTS `ParentType` (
  `type_id` INT NOT NULL,
  `parent_type_id` INT NOT NULL,
  PRIMARY KEY (`type_id`, `parent_type_id`)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS `ParentContext` (
  `context_id` INT NOT NULL,
  `parent_context_id` INT NOT NULL,
  PRIMARY KEY (`context_id`, `parent_context_id`),
  INDEX `idx_parentcontext_parent_context_id` (`parent_context_id`)
) ENGINE = InnoDB;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'version'),
  'DO 0',
  'ALTER TABLE `Type` ADD COLUMN `version` VARCHAR(255),
     ADD COLUMN `description` TEXT');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_uri'),
  'DO 0',
  'CREATE INDEX `idx_artifact_uri` ON `Artifact` (`uri`(255))');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_create_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_artifact_create_time_since_epoch` ON `Artifact` (`create_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_last_update_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_artifact_last_update_time_since_epoch` ON `Artifact` (`last_update_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'event'
      AND index_name = 'idx_event_artifact_id'),
  'DO 0',
  'CREATE INDEX `idx_event_artifact_id` ON `Event` (`artifact_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'event'
      AND index_name = 'idx_event_execution_id'),
  'DO 0',
  'CREATE INDEX `idx_event_execution_id` ON `Event` (`execution_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND index_name = 'idx_type_name'),
  'DO 0',
  'CREATE INDEX `idx_type_name` ON `Type` (`name`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND index_name = 'idx_execution_create_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_execution_create_time_since_epoch` ON `Execution` (`create_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND index_name = 'idx_execution_last_update_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_execution_last_update_time_since_epoch` ON `Execution` (`last_update_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND index_name = 'idx_context_create_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_context_create_time_since_epoch` ON `Context` (`create_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND index_name = 'idx_context_last_update_time_since_epoch'),
  'DO 0',
  'CREATE INDEX `idx_context_last_update_time_since_epoch` ON `Context` (`last_update_time_since_epoch`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
DROP TABLE IF EXISTS `ParentType`;

DROP TABLE IF EXISTS `ParentContext`;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND column_name = 'version'),
  'ALTER TABLE `Type` DROP COLUMN `version`, DROP COLUMN `description`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_uri'),
  'DROP INDEX `idx_artifact_uri` ON `Artifact`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_create_time_since_epoch'),
  'DROP INDEX `idx_artifact_create_time_since_epoch` ON `Artifact`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifact'
      AND index_name = 'idx_artifact_last_update_time_since_epoch'),
  'DROP INDEX `idx_artifact_last_update_time_since_epoch` ON `Artifact`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'event'
      AND index_name = 'idx_event_artifact_id'),
  'DROP INDEX `idx_event_artifact_id` ON `Event`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'event'
      AND index_name = 'idx_event_execution_id'),
  'DROP INDEX `idx_event_execution_id` ON `Event`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'type'
      AND index_name = 'idx_type_name'),
  'DROP INDEX `idx_type_name` ON `Type`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND index_name = 'idx_execution_create_time_since_epoch'),
  'DROP INDEX `idx_execution_create_time_since_epoch` ON `Execution`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'execution'
      AND index_name = 'idx_execution_last_update_time_since_epoch'),
  'DROP INDEX `idx_execution_last_update_time_since_epoch` ON `Execution`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND index_name = 'idx_context_create_time_since_epoch'),
  'DROP INDEX `idx_context_create_time_since_epoch` ON `Context`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'context'
      AND index_name = 'idx_context_last_update_time_since_epoch'),
  'DROP INDEX `idx_context_last_update_time_since_epoch` ON `Context`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
