-- MLMD schema v7 -> v8 (MySQL, MariaDB): indexes on the property tables
-- by (name, is_custom_property, value) for each kind of value (MySQL indexes
-- the first 255 characters of string_value), and Event becomes unique on
-- (artifact_id, execution_id, type) (key UniqueEvent), which also serves
-- lookups by artifact_id, so idx_event_artifact_id goes.
--
-- A database of version 7 may hold several events of the same artifact,
-- execution and type. As MLMD does, the upgrade keeps the latest of them
-- (the highest id) and deletes the others, with their EventPath rows: the
-- one upgrade step that removes rows, as version 8 cannot hold them. Event
-- keeps its table, so the ids of the events that stay and the
-- AUTO_INCREMENT counter do not change, and EventPath rows that belong to
-- no event are left alone. The duplicates are found by grouping Event
-- once: a join of Event with itself would compare every pair of events of
-- an artifact, which for an artifact read by many executions takes
-- minutes (MariaDB uses the artifact_id index and no hash join).
--
-- Down removes UniqueEvent and the property indexes, and brings back
-- idx_event_artifact_id; no row changes.
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
-- The DELETEs find nothing to delete when run again.

-- +goose Up
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_int'),
  'DO 0',
  'CREATE INDEX `idx_artifact_property_int` ON `ArtifactProperty` (`name`, `is_custom_property`, `int_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_double'),
  'DO 0',
  'CREATE INDEX `idx_artifact_property_double` ON `ArtifactProperty` (`name`, `is_custom_property`, `double_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_string'),
  'DO 0',
  'CREATE INDEX `idx_artifact_property_string` ON `ArtifactProperty` (`name`, `is_custom_property`, `string_value`(255))');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_int'),
  'DO 0',
  'CREATE INDEX `idx_execution_property_int` ON `ExecutionProperty` (`name`, `is_custom_property`, `int_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_double'),
  'DO 0',
  'CREATE INDEX `idx_execution_property_double` ON `ExecutionProperty` (`name`, `is_custom_property`, `double_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_string'),
  'DO 0',
  'CREATE INDEX `idx_execution_property_string` ON `ExecutionProperty` (`name`, `is_custom_property`, `string_value`(255))');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_int'),
  'DO 0',
  'CREATE INDEX `idx_context_property_int` ON `ContextProperty` (`name`, `is_custom_property`, `int_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_double'),
  'DO 0',
  'CREATE INDEX `idx_context_property_double` ON `ContextProperty` (`name`, `is_custom_property`, `double_value`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_string'),
  'DO 0',
  'CREATE INDEX `idx_context_property_string` ON `ContextProperty` (`name`, `is_custom_property`, `string_value`(255))');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

DELETE p FROM `EventPath` AS p
JOIN `Event` AS e ON e.`id` = p.`event_id`
JOIN (SELECT `artifact_id`, `execution_id`, `type`, MAX(`id`) AS `latest`
      FROM `Event` GROUP BY `artifact_id`, `execution_id`, `type`
      HAVING COUNT(*) > 1) AS dup
  ON dup.`artifact_id` = e.`artifact_id` AND dup.`execution_id` = e.`execution_id`
  AND dup.`type` = e.`type` AND e.`id` < dup.`latest`;

DELETE e FROM `Event` AS e
JOIN (SELECT `artifact_id`, `execution_id`, `type`, MAX(`id`) AS `latest`
      FROM `Event` GROUP BY `artifact_id`, `execution_id`, `type`
      HAVING COUNT(*) > 1) AS dup
  ON dup.`artifact_id` = e.`artifact_id` AND dup.`execution_id` = e.`execution_id`
  AND dup.`type` = e.`type` AND e.`id` < dup.`latest`;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'event'
      AND index_name = 'UniqueEvent'),
  'DO 0',
  'ALTER TABLE `Event` ADD CONSTRAINT `UniqueEvent` UNIQUE (`artifact_id`, `execution_id`, `type`)');
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
  'DO 0',
  'CREATE INDEX `idx_event_execution_id` ON `Event` (`execution_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
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
      AND index_name = 'UniqueEvent'),
  'ALTER TABLE `Event` DROP INDEX `UniqueEvent`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_int'),
  'DROP INDEX `idx_artifact_property_int` ON `ArtifactProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_double'),
  'DROP INDEX `idx_artifact_property_double` ON `ArtifactProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'artifactproperty'
      AND index_name = 'idx_artifact_property_string'),
  'DROP INDEX `idx_artifact_property_string` ON `ArtifactProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_int'),
  'DROP INDEX `idx_execution_property_int` ON `ExecutionProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_double'),
  'DROP INDEX `idx_execution_property_double` ON `ExecutionProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'executionproperty'
      AND index_name = 'idx_execution_property_string'),
  'DROP INDEX `idx_execution_property_string` ON `ExecutionProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_int'),
  'DROP INDEX `idx_context_property_int` ON `ContextProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_double'),
  'DROP INDEX `idx_context_property_double` ON `ContextProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'contextproperty'
      AND index_name = 'idx_context_property_string'),
  'DROP INDEX `idx_context_property_string` ON `ContextProperty`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
