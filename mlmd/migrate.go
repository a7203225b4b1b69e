package mlmd

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// SchemaVersion is the MLMD schema version that a Store reads and writes.
const SchemaVersion = 10

// SchemaState describes a database's MLMD schema, see InspectSchema.
type SchemaState struct {
	// Empty is true when the database holds none of MLMD's tables; Open
	// creates version 10 there.
	Empty bool
	// Version is the MLMD schema version: 0 is MLMD 0.13.2's schema, which
	// has no MLMDEnv table. Meaningless when Empty.
	Version int64
	// Oldest is the oldest version the backend upgrades from and
	// downgrades to.
	Oldest int64
	// Pending are the schema versions an upgrade steps through, in order
	// (Version+1 to 10); empty at version 10.
	Pending []int64
	// ExtrasPending is true for a database at version 10 that lacks some
	// of the backend's additions to MLMD's schema (gomlmd's indexes);
	// Open adds them.
	ExtrasPending bool
}

// InspectSchema reports the MLMD schema version of the database that dsn
// names, with the backend registered as driverName, changing nothing.
// The backend must support schema migration (the SQL backends do), else
// Unimplemented.
func InspectSchema(ctx context.Context, driverName, dsn string, opts *Options) (SchemaState, error) {
	c, err := namedConnector(driverName, dsn)
	if err != nil {
		return SchemaState{}, err
	}
	st, err := InspectSchemaConnector(ctx, c, opts)
	if err != nil {
		return st, errcode.Annotate(err, "mlmd: inspect the %s schema", driverName)
	}
	return st, nil
}

// InspectSchemaConnector is InspectSchema for a backend connection that c
// makes, as OpenConnector is for Open.
func InspectSchemaConnector(ctx context.Context, c driver.Connector, opts *Options) (SchemaState, error) {
	var st SchemaState
	err := withMigrator(ctx, c, opts, func(m driver.SchemaMigrator) error {
		ds, err := m.InspectSchema(ctx)
		if err != nil {
			return err
		}
		st = SchemaState{Empty: ds.Empty, Version: ds.Version, Oldest: ds.Oldest, ExtrasPending: ds.ExtrasPending}
		if !ds.Empty {
			for v := ds.Version + 1; v <= SchemaVersion; v++ {
				st.Pending = append(st.Pending, v)
			}
		}
		return nil
	})
	return st, err
}

// Downgrade takes the database that dsn names, at MLMD schema version 10,
// down to schema version toVersion (0 <= toVersion < 10), as MLMD's
// DowngradeMetadataSource does, so that an older MLMD release can open
// it; what the older version cannot hold is lost (for example, version 9
// has no proto or bool property values, version 5 no parent types). A
// database already at toVersion is left alone. Opening the database with
// Options.EnableUpgradeMigration brings it back to version 10.
//
// Downgrade returns InvalidArgument for a version out of range (or one the
// backend cannot reach); FailedPrecondition for a database with no MLMD
// schema, one older than toVersion, or one newer than 10; Unimplemented if
// the backend does not support schema migration.
func Downgrade(ctx context.Context, driverName, dsn string, toVersion int64, opts *Options) error {
	c, err := namedConnector(driverName, dsn)
	if err != nil {
		return err
	}
	if err := DowngradeConnector(ctx, c, toVersion, opts); err != nil {
		return errcode.Annotate(err, "mlmd: downgrade the %s schema", driverName)
	}
	return nil
}

// DowngradeConnector is Downgrade for a backend connection that c makes,
// as OpenConnector is for Open.
func DowngradeConnector(ctx context.Context, c driver.Connector, toVersion int64, opts *Options) error {
	if toVersion < 0 || toVersion >= SchemaVersion {
		return errcode.New(errcode.InvalidArgument,
			"mlmd: downgrade to schema version %d: want a version from 0 to %d", toVersion, SchemaVersion-1)
	}
	return withMigrator(ctx, c, opts, func(m driver.SchemaMigrator) error {
		return m.DowngradeSchema(ctx, toVersion)
	})
}

// namedConnector is the connector of a registered driver and a DSN.
func namedConnector(driverName, dsn string) (driver.Connector, error) {
	driversMu.RLock()
	d, ok := drivers[driverName]
	driversMu.RUnlock()
	if !ok {
		return nil, errcode.New(errcode.InvalidArgument, "mlmd: unknown driver %q (available: %v)", driverName, Drivers())
	}
	return dsnConnector{d, dsn}, nil
}

// withMigrator opens a connection for schema tools and runs fn on it.
func withMigrator(ctx context.Context, c driver.Connector, opts *Options, fn func(driver.SchemaMigrator) error) error {
	if opts == nil {
		opts = &Options{}
	}
	conn, err := c.Connect(ctx, &driver.OpenOptions{SchemaTool: true, MaxRetries: opts.MaxRetries, OnRetry: opts.driverOnRetry()})
	if err != nil {
		return err
	}
	defer conn.Close()
	m, ok := conn.(driver.SchemaMigrator)
	if !ok {
		return errcode.New(errcode.Unimplemented, "mlmd: the backend does not support schema migration")
	}
	return fn(m)
}
