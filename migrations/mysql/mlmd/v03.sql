-- MLMD schema v2 -> v3 (MySQL, MariaDB): the Context and ContextProperty
-- tables. Down drops them, and the contexts with them: version 2 has no
-- place for contexts.

-- +goose Up
CREATE TABLE IF NOT EXISTS `Context` (
  `id` INTEGER PRIMARY KEY AUTO_INCREMENT,
  `type_id` INT NOT NULL,
  `name` VARCHAR(255) NOT NULL,
  UNIQUE (`type_id`, `name`)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS `ContextProperty` (
  `context_id` INT NOT NULL,
  `name` VARCHAR(255) NOT NULL,
  `is_custom_property` TINYINT(1) NOT NULL,
  `int_value` INT,
  `double_value` DOUBLE,
  `string_value` TEXT,
  PRIMARY KEY (`context_id`, `name`, `is_custom_property`)
) ENGINE = InnoDB;

-- +goose Down
DROP TABLE IF EXISTS `ContextProperty`;

DROP TABLE IF EXISTS `Context`;
