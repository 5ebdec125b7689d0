package slo

import (
	"encoding/json"
	"math"
)

// number is a float64 that encodes as JSON null when it is NaN or
// infinite: encoding/json refuses both, and one bad value must not cost a
// health check or a status page its whole response. Status never holds
// one; this is the guard that keeps it so on the wire.
type number float64

// MarshalJSON encodes n as encoding/json encodes a float64, or null.
func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// object is a JSON object that keeps its members in order: declaration
// order for objectives, ascending for windows, where a Go map would be
// sorted by key ("1d" before "5m").
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON encodes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}
