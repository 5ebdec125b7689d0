// Package window counts good and bad events in sliding time windows.
//
// A [Series] is written on the request path and read by evaluators. Writing
// ([Series.Good], [Series.Bad], [Series.Add]) is one atomic add into a live
// cell: no lock, no clock read, no allocation. A [Group] owns the time of many
// series: [Group.Advance] moves every series to a new instant, swapping each
// live cell to zero and folding what it held into multi-resolution rings.
// Because the swap takes the cell's value and zeroes it in one atomic step,
// every event is counted exactly once, whatever the timing of writers.
//
// # Windows and accuracy
//
// Each window is served by a ring of buckets whose width is the widest on a
// fixed ladder (1s, 3s, 15s, 1m, 5m, 15m, 1h, 3h, 6h, 1d) that is at most a
// hundredth of the window. A window is exactly its length: at the group's
// time T, the window of length d is [T-d, T), plus the events recorded since
// the last advance. Its whole buckets count every event they hold; the
// bucket that T-d falls in counts the share of its events that its time
// after T-d makes, as if its events were spread evenly over it. Sums are
// therefore fractional (float64). On steady traffic they equal what a
// counter sampled at T-d and T shows, as Prometheus's increase() does; an
// event burst in the oldest bucket leaves the window smoothly, tick by
// tick, rather than all at once a bucket early. Running sums make reading
// any window O(1); folding at rotation is O(rings + windows).
//
// Memory per series is fixed at construction; see [Bytes].
//
// # Time
//
// The package never reads the clock. Callers pass the instant to [NewGroup]
// and [Group.Advance]. Time that goes backwards is ignored until it catches
// up; a jump forward clears in time proportional to the rings, not the gap.
package window
