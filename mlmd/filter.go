package mlmd

import (
	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// checkFilter parses a filter query over the nodes of kind k and checks it
// against MLMD's schema, before any transaction begins: a driver gets the
// checked query and only compiles it for its SQL dialect. A query that
// does not parse or check is InvalidArgument.
func checkFilter(query string, k Kind) (*driver.Filter, error) {
	f, err := filterlang.Prepare(query, k)
	if err != nil {
		// A *filterlang.Error has the code InvalidArgument and starts with
		// the line and column of the problem.
		return nil, errcode.Annotate(err, "invalid filter query")
	}
	return f, nil
}
