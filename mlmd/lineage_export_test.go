package mlmd

// ForceLineageWalk makes GetLineageSubgraph of s walk "traced" (in the
// database, where the driver can) or "hops" (hop by hop), or lets the
// store choose (""). It must be called before s is used concurrently.
func ForceLineageWalk(s *Store, walk string) { s.walk = walk }
