-- MLMD schema v3 -> v4 (MySQL, MariaDB): the Association (context,
-- execution) and Attribution (context, artifact) tables. Down drops them,
-- and the links with them: version 3 has no place for links.

-- +goose Up
CREATE TABLE IF NOT EXISTS `Association` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `context_id` INT NOT NULL,
  `execution_id` INT NOT NULL,
  UNIQUE (`context_id`, `execution_id`)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS `Attribution` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `context_id` INT NOT NULL,
  `artifact_id` INT NOT NULL,
  UNIQUE (`context_id`, `artifact_id`)
) ENGINE = InnoDB;

-- +goose Down
DROP TABLE IF EXISTS `Attribution`;

DROP TABLE IF EXISTS `Association`;
