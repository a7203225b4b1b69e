-- MLMD schema v6 -> v7 (MySQL, MariaDB): the property tables gain
-- byte_value (MEDIUMBLOB) and their string_value grows from TEXT (64 KiB)
-- to MEDIUMTEXT (16 MiB); EventPath gets an index on event_id.
--
-- Down: byte values are dropped, and a string_value longer than TEXT holds
-- is cut to fit, as MLMD does: to its first 65535 characters. Where those
-- still take more than 65535 bytes (multibyte characters), which MLMD does
-- not handle and strict mode then refuses to change to TEXT, the next two
-- UPDATEs shorten it in proportion to its bytes per character (exact for
-- text of one width), and the last, if it is still too long, to 16383
-- characters, which fit at up to 4 bytes a character; text that mixes
-- narrow and wide characters may so lose more than the least needed. Every
-- row is kept.
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
-- The UPDATEs change nothing when run again.

-- +goose Up
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'byte_value'),
  'DO 0',
  'ALTER TABLE `ArtifactProperty` MODIFY COLUMN `string_value` MEDIUMTEXT,
     ADD COLUMN `byte_value` MEDIUMBLOB');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'byte_value'),
  'DO 0',
  'ALTER TABLE `ExecutionProperty` MODIFY COLUMN `string_value` MEDIUMTEXT,
     ADD COLUMN `byte_value` MEDIUMBLOB');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'byte_value'),
  'DO 0',
  'ALTER TABLE `ContextProperty` MODIFY COLUMN `string_value` MEDIUMTEXT,
     ADD COLUMN `byte_value` MEDIUMBLOB');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'eventpath'
      AND index_name = 'idx_eventpath_event_id'),
  'DO 0',
  'CREATE INDEX `idx_eventpath_event_id` ON `EventPath` (`event_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
UPDATE `ArtifactProperty` SET `string_value` = LEFT(`string_value`, 65535)
WHERE CHAR_LENGTH(`string_value`) > 65535;

UPDATE `ArtifactProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ArtifactProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ArtifactProperty` SET `string_value` = LEFT(`string_value`, 16383)
WHERE LENGTH(`string_value`) > 65535;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'string_value' AND data_type = 'mediumtext'),
  'ALTER TABLE `ArtifactProperty` MODIFY COLUMN `string_value` TEXT',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'byte_value'),
  'ALTER TABLE `ArtifactProperty` DROP COLUMN `byte_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

UPDATE `ExecutionProperty` SET `string_value` = LEFT(`string_value`, 65535)
WHERE CHAR_LENGTH(`string_value`) > 65535;

UPDATE `ExecutionProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ExecutionProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ExecutionProperty` SET `string_value` = LEFT(`string_value`, 16383)
WHERE LENGTH(`string_value`) > 65535;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'string_value' AND data_type = 'mediumtext'),
  'ALTER TABLE `ExecutionProperty` MODIFY COLUMN `string_value` TEXT',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'byte_value'),
  'ALTER TABLE `ExecutionProperty` DROP COLUMN `byte_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

UPDATE `ContextProperty` SET `string_value` = LEFT(`string_value`, 65535)
WHERE CHAR_LENGTH(`string_value`) > 65535;

UPDATE `ContextProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ContextProperty`
SET `string_value` = LEFT(`string_value`, FLOOR(CHAR_LENGTH(`string_value`) * 65535 / LENGTH(`string_value`)))
WHERE LENGTH(`string_value`) > 65535;

UPDATE `ContextProperty` SET `string_value` = LEFT(`string_value`, 16383)
WHERE LENGTH(`string_value`) > 65535;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'string_value' AND data_type = 'mediumtext'),
  'ALTER TABLE `ContextProperty` MODIFY COLUMN `string_value` TEXT',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'byte_value'),
  'ALTER TABLE `ContextProperty` DROP COLUMN `byte_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'eventpath'
      AND index_name = 'idx_eventpath_event_id'),
  'DROP INDEX `idx_eventpath_event_id` ON `EventPath`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
