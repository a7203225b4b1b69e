package mlmdio_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
