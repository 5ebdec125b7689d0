package slohttp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/journeyslo/journeyslo/slo"
)

// number is a float64 that encodes as JSON null when it is NaN or
// infinite, and otherwise to 12 significant digits. encoding/json refuses
// NaN and infinities, and one bad value must not cost a health check or a
// status page its whole response; Status never holds one, and this is the
// guard that keeps it so on the wire. The rounding drops the noise of
// binary fractions (0.45999999999999996 is written 0.46) while keeping
// every digit a measurement of events can carry.
type number float64

// MarshalJSON encodes n to 12 significant digits, or null.
func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	// Through 'g' to round, then back to a float64 so that json writes it
	// in its usual form (no exponent for ordinary magnitudes).
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if r == 0 {
		r = 0 // no "-0"
	}
	return json.Marshal(r)
}

// object is a JSON object that keeps its members in order: declaration
// order for objectives, where a Go map would be sorted by key.
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

// objectiveJSON is the one JSON shape of an objective that this package
// writes, in the health check, the release gate and the status page's
// ?format=json alike (see the package doc, "The objective object"): the
// draft's check fields when it is a check, then the objective's
// [slo.Status] as [slo.Status.MarshalJSON] writes it, then what the
// presentation adds from the objective's definition and its burn-down.
type objectiveJSON struct {
	// Check holds the draft's fields; nil outside a health response.
	Check *check
	// Status is written by slo, so that this package and every other
	// output share its shape.
	Status slo.Status
	// Runbook and Dashboard are the objective's links; empty ones are
	// left out.
	Runbook, Dashboard string
	// BurnDown is the budget remaining at the end of each bucket of the
	// period, its last point the Status's BudgetRemaining.
	BurnDown []slo.BudgetPoint
}

// check holds the fields the draft gives every check but its time, which
// an objective's check takes from its Status.
type check struct {
	ComponentID   string `json:"componentId"`
	ComponentType string `json:"componentType"`
	ObservedValue number `json:"observedValue"`
	ObservedUnit  string `json:"observedUnit"`
	Status        string `json:"status"`
	Output        string `json:"output,omitempty"`
}

// pointJSON is one point of a burn-down.
type pointJSON struct {
	End       string `json:"end"`
	Remaining number `json:"remaining"`
}

// links holds an objective's links, each left out when empty.
type links struct {
	Runbook   string `json:"runbook,omitempty"`
	Dashboard string `json:"dashboard,omitempty"`
}

// MarshalJSON writes one object whose members are the check's, the
// Status's and the additions', in that order. Each part is encoded by its
// own encoder and spliced, so that the Status's members are exactly slo's.
func (o objectiveJSON) MarshalJSON() ([]byte, error) {
	st, err := json.Marshal(o.Status)
	if err != nil {
		return nil, err
	}
	points := make([]pointJSON, len(o.BurnDown))
	for i, p := range o.BurnDown {
		points[i] = pointJSON{instant(p.End), number(p.Remaining)}
	}
	add, err := json.Marshal(struct {
		links
		BurnDown []pointJSON `json:"burnDown"`
	}{links{o.Runbook, o.Dashboard}, points})
	if err != nil {
		return nil, err
	}
	parts := [][]byte{st, add}
	if o.Check != nil {
		c, err := json.Marshal(o.Check)
		if err != nil {
			return nil, err
		}
		parts = append([][]byte{c}, parts...)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for _, p := range parts {
		inner := bytes.TrimSpace(p)
		if len(inner) < 2 || inner[0] != '{' || inner[len(inner)-1] != '}' {
			return nil, fmt.Errorf("slohttp: an objective's part encoded as %.40q, not as an object", p)
		}
		inner = bytes.TrimSpace(inner[1 : len(inner)-1])
		if len(inner) == 0 {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.Write(inner)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// instant writes t in RFC 3339, in UTC, to the nanosecond, as slo writes
// a Status's instants.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// definitions returns the registry's objectives by journey and name, for
// the links a Status does not carry.
func definitions(reg *slo.Registry) map[[2]string]slo.Objective {
	defs := map[[2]string]slo.Objective{}
	for _, o := range reg.Objectives() {
		defs[[2]string{o.Journey, o.Name}] = o
	}
	return defs
}

// newObjectiveJSON reads st's burn-down and joins it to st and the
// objective's links. The burn-down's last point is set to st's budget:
// BurnDown also counts the events recorded since the evaluation, and one
// figure, the Status's, is the budget every part of a response shows.
func newObjectiveJSON(reg *slo.Registry, defs map[[2]string]slo.Objective, st slo.Status) objectiveJSON {
	def := defs[[2]string{st.Journey, st.Objective}]
	points, _ := reg.BurnDown(st.Journey, st.Objective)
	if n := len(points); n > 0 {
		points[n-1].Remaining = st.BudgetRemaining
	}
	return objectiveJSON{Status: st, Runbook: def.Runbook, Dashboard: def.Dashboard, BurnDown: points}
}
