package server_test

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/gomlmd/gomlmd/server"
)

func TestUseGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	// GOGC set: the target is left as it is.
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77)
	if got := server.UseGCPercent(); got != 77 {
		t.Errorf("with GOGC=77: UseGCPercent() = %d, want 77", got)
	}
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("with GOGC=77 the target became %d", got)
	}

	// GOGC unset: GCPercent.
	os.Unsetenv("GOGC")
	if got := server.UseGCPercent(); got != server.GCPercent {
		t.Errorf("without GOGC: UseGCPercent() = %d, want %d", got, server.GCPercent)
	}
	if got := debug.SetGCPercent(before); got != server.GCPercent {
		t.Errorf("without GOGC the target is %d, want %d", got, server.GCPercent)
	}
}
