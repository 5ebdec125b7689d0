package slo

import "time"

// settleSaves waits until no save runs and none waits: what a test reads
// of the store or of OnError after an advance is then that advance's
// save's.
func (r *Registry) settleSaves() {
	s := r.saver
	if s == nil {
		return
	}
	for {
		s.mu.Lock()
		busy := s.running != nil
		s.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}
