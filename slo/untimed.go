package slo

// RecordUntimed records one event whose latency means nothing: a streamed
// response, whose handler returns when the stream ends, or a connection
// taken over for a websocket. A bad event is bad for every objective, as
// with Record. A good one is good for the availability objectives and not
// counted at all by the latency objectives, which have nothing to judge.
// Like Record, it costs one atomic add: no lock, no clock read, no
// allocation.
func (j *Journey) RecordUntimed(bad bool) {
	p := patUntimed
	if bad {
		p = patBad
	}
	j.live[p].Add(1)
}
