-- gomlmd's indexes on the link tables, leading with the node column.
--
-- MLMD's schema version 10 keys Attribution on (context_id, artifact_id)
-- and Association on (context_id, execution_id), so finding the contexts of
-- an artifact or an execution (GetContextsByArtifact, GetContextsByExecution,
-- the links of a lineage answer) scans the whole table. These two indexes
-- are gomlmd's own: the schema stays MLMD's version 10 (MLMDEnv is not
-- touched, and MLMD opens a database that has extra indexes), and the
-- gomlmd_ prefix keeps the names clear of any index a later MLMD adds. On a
-- database that MLMD created, migration 1 changes nothing and this one only
-- builds the two indexes (InnoDB builds a secondary index online): no row
-- is rewritten.
--
-- Idempotent on MySQL and MariaDB alike. MariaDB has CREATE INDEX IF NOT
-- EXISTS, MySQL 8 does not, so each statement is chosen from
-- information_schema.statistics and run as a prepared statement: CREATE
-- (or DROP) when the index is missing (or there), a no-op DO otherwise. The
-- check and the CREATE are two steps; no other gomlmd process runs between
-- them because mlmd/mysqlstore applies the migrations under its schema
-- lock (GET_LOCK). goose runs the migration on one connection (it is not
-- marked NO TRANSACTION), which the user variable and the prepared
-- statement need; the DDL commits implicitly, as in migration 1.

-- +goose Up
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'attribution'
      AND index_name = 'gomlmd_idx_attribution_artifact_id'),
  'DO 0',
  'CREATE INDEX `gomlmd_idx_attribution_artifact_id` ON `Attribution` (`artifact_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'association'
      AND index_name = 'gomlmd_idx_association_execution_id'),
  'DO 0',
  'CREATE INDEX `gomlmd_idx_association_execution_id` ON `Association` (`execution_id`)');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;

-- +goose Down
SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'association'
      AND index_name = 'gomlmd_idx_association_execution_id'),
  'DROP INDEX `gomlmd_idx_association_execution_id` ON `Association`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;

SET @gomlmd_ddl = IF(EXISTS (
    SELECT 1 FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND LOWER(table_name) = 'attribution'
      AND index_name = 'gomlmd_idx_attribution_artifact_id'),
  'DROP INDEX `gomlmd_idx_attribution_artifact_id` ON `Attribution`',
  'DO 0');
PREPARE gomlmd_stmt FROM @gomlmd_ddl;
EXECUTE gomlmd_stmt;
DEALLOCATE PREPARE gomlmd_stmt;
SET @gomlmd_ddl = NULL;
