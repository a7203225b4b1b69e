package mlmd

// ForceLineageWalk makes GetLineageSubgraph walk "traced" (in the
// database, where the driver can) or "hops" (hop by hop), or lets the
// store choose (""), and returns a function that restores the setting.
// Tests that use it must not run in parallel.
func ForceLineageWalk(walk string) (restore func()) {
	old := forcedWalk
	forcedWalk = walk
	return func() { forcedWalk = old }
}
