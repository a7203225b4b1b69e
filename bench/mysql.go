package main

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore" // registers "mysql"
)

// defaultMySQLDSN is the server the MySQL benchmarks use without -dsn or
// MLMD_BENCH_DSN: the local MariaDB of CI.
const defaultMySQLDSN = "root@tcp(127.0.0.1:3306)/"

func init() {
	next := openOther
	openOther = func(ctx context.Context, driverName, dsn string) (opened, error) {
		if driverName != "mysql" {
			return next(ctx, driverName, dsn)
		}
		return openMySQL(ctx, dsn)
	}
}

// openMySQL creates a fresh database on the server of dsn (which names no
// database), opens the store on it, and a plain pool on it for the raw-SQL
// baseline with the same connection settings as the store's
// (interpolateParams: one round trip per statement). The database is
// dropped by cleanup.
func openMySQL(ctx context.Context, dsn string) (opened, error) {
	cfg, err := mysqlServer(dsn)
	if err != nil {
		return opened{}, err
	}
	name := "mlmd_bench_" + randomSuffix()
	server, err := openPool(cfg)
	if err != nil {
		return opened{}, err
	}
	drop := func() {
		if _, err := server.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			fmt.Printf("drop database %s: %v\n", name, err)
		}
		server.Close()
	}
	dbCfg := cfg.Clone()
	dbCfg.DBName = name
	store, err := mlmd.Open(ctx, "mysql", dbCfg.FormatDSN(), nil) // creates the database
	if err != nil {
		drop()
		return opened{}, err
	}
	rawCfg := dbCfg.Clone()
	rawCfg.InterpolateParams = true
	raw, err := openPool(rawCfg)
	if err != nil {
		store.Close()
		drop()
		return opened{}, err
	}
	raw.SetMaxIdleConns(16)
	return opened{store: store, raw: raw, cleanup: drop}, nil
}

func openPool(cfg *mysql.Config) (*sql.DB, error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector), nil
}
