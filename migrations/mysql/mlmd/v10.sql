-- MLMD schema v9 -> v10 (MySQL, MariaDB): the property tables gain
-- proto_value (MEDIUMBLOB, a google.protobuf.Any) and bool_value
-- (BOOLEAN), NULL on every existing row.
--
-- Down drops them, and the proto and boolean property values with them:
-- version 9 cannot hold them. A property row that holds no other value
-- would be left with none at all, so it goes (as in the SQLite chain); the
-- other rows stay. The DELETEs, too, run only while proto_value is there.
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
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'proto_value'),
  'DO 0',
  'ALTER TABLE `ArtifactProperty` ADD COLUMN `proto_value` MEDIUMBLOB,
     ADD COLUMN `bool_value` BOOLEAN');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'proto_value'),
  'DO 0',
  'ALTER TABLE `ExecutionProperty` ADD COLUMN `proto_value` MEDIUMBLOB,
     ADD COLUMN `bool_value` BOOLEAN');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'proto_value'),
  'DO 0',
  'ALTER TABLE `ContextProperty` ADD COLUMN `proto_value` MEDIUMBLOB,
     ADD COLUMN `bool_value` BOOLEAN');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'proto_value'),
  'DELETE FROM `ArtifactProperty` WHERE `int_value` IS NULL AND `double_value` IS NULL AND `string_value` IS NULL AND `byte_value` IS NULL',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND column_name = 'proto_value'),
  'ALTER TABLE `ArtifactProperty` DROP COLUMN `proto_value`,
     DROP COLUMN `bool_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'proto_value'),
  'DELETE FROM `ExecutionProperty` WHERE `int_value` IS NULL AND `double_value` IS NULL AND `string_value` IS NULL AND `byte_value` IS NULL',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND column_name = 'proto_value'),
  'ALTER TABLE `ExecutionProperty` DROP COLUMN `proto_value`,
     DROP COLUMN `bool_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'proto_value'),
  'DELETE FROM `ContextProperty` WHERE `int_value` IS NULL AND `double_value` IS NULL AND `string_value` IS NULL AND `byte_value` IS NULL',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND column_name = 'proto_value'),
  'ALTER TABLE `ContextProperty` DROP COLUMN `proto_value`,
     DROP COLUMN `bool_value`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
