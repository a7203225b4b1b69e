-- MLMD schema v0 -> v1 (MySQL, MariaDB): MLMDEnv.
--
-- Version 0 is MLMD 0.13.2's schema, which has no MLMDEnv table; version 1
-- adds it. The runner writes the version into it after this step; going
-- down, dropping it is what makes the database version 0 again.

-- +goose Up
CREATE TABLE IF NOT EXISTS `MLMDEnv` (
  `schema_version` INTEGER PRIMARY KEY
) ENGINE = InnoDB;

-- +goose Down
DROP TABLE IF EXISTS `MLMDEnv`;
