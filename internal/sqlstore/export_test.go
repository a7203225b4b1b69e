package sqlstore

// TraceQueries returns a Conn over c's pool, dialect and engine that
// reports the SQL text and arguments of every statement of its
// transactions to trace, as they go to the database.
func TraceQueries(c *Conn, trace func(query string, args []any)) *Conn {
	return ObserveStatements(c, trace)
}
