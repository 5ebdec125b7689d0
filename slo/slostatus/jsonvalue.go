package slostatus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/journeyslo/journeyslo/internal/figure"
	"github.com/journeyslo/journeyslo/slo"
)

// number is a float64 that encodes as JSON null when it is NaN or
// infinite, and otherwise as figure.Tidy writes it: to 12 significant
// digits unless it is whole, as slo writes a Status's figures.
// encoding/json refuses NaN and infinities, and one bad value must not cost
// a health check or a status page its whole response; Status never holds
// one, and this is the guard that keeps it so on the wire.
type number float64

// MarshalJSON encodes n to 12 significant digits, or null.
func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(figure.Tidy(f) + 0) // + 0: no "-0"
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
// [slo.Status] as [slo.Status.MarshalJSON] writes it, then the links from
// the objective's definition and, on the page only, its history.
type objectiveJSON struct {
	// Check holds the draft's fields; nil outside a health response.
	Check *check
	// Status is written by slo, so that this package and every other
	// output share its shape.
	Status slo.Status
	// Runbook and Dashboard are the objective's links; empty ones are
	// left out.
	Runbook, Dashboard string
	// History says whether the object carries the page's history
	// members, burnDown and episodes (see withHistory). The health check
	// and the gate leave them out: monitors poll them every few seconds,
	// and 121 points of burn-down and the episode log would make each
	// answer about ten times larger, for figures no check judges.
	History bool
	// BurnDown is the budget remaining at the end of each bucket of the
	// period, its last point the Status's BudgetRemaining.
	BurnDown []slo.BudgetPoint
	// Episodes are the objective's episodes in the registry's log
	// ([slo.Registry.Episodes]), oldest first, the open one last.
	Episodes []slo.Episode
	// Group is the group whose figures these are, for a grouped objective
	// read from a fleet ([slo.History.Group]); nil otherwise.
	Group map[string]string

	// recent is the objective's recent burn history, for the page's
	// chart; not in the JSON, where 360 samples of every window would
	// outweigh the rest (Tracker.Recent has it in Go).
	recent []slo.RecentPoint
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
// Status's, the links and the history (when History is set), in that order. Each part is encoded by its
// own encoder and spliced, so that the Status's members are exactly slo's.
func (o objectiveJSON) MarshalJSON() ([]byte, error) {
	st, err := json.Marshal(o.Status)
	if err != nil {
		return nil, err
	}
	add, err := json.Marshal(links{o.Runbook, o.Dashboard})
	if err != nil {
		return nil, err
	}
	parts := [][]byte{st, add}
	if o.History {
		points := make([]pointJSON, len(o.BurnDown))
		for i, p := range o.BurnDown {
			points[i] = pointJSON{instant(p.End), number(p.Remaining)}
		}
		episodes := o.Episodes
		if episodes == nil {
			episodes = []slo.Episode{} // [], not null: a list, empty
		}
		hist, err := json.Marshal(struct {
			Group    map[string]string `json:"group,omitempty"`
			BurnDown []pointJSON       `json:"burnDown"`
			Episodes []slo.Episode     `json:"episodes"`
		}{o.Group, points, episodes})
		if err != nil {
			return nil, err
		}
		parts = append(parts, hist)
	}
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
			return nil, fmt.Errorf("slostatus: an objective's part encoded as %.40q, not as an object", p)
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

// newObjectiveJSON joins st to its objective's links: the object of the
// health check and the gate, without the page's history (see withHistory).
func newObjectiveJSON(defs map[[2]string]slo.Objective, st slo.Status) objectiveJSON {
	def := defs[[2]string{st.Journey, st.Objective}]
	return objectiveJSON{Status: st, Runbook: def.Runbook, Dashboard: def.Dashboard}
}

// withHistory returns o with the page's history: the objective's
// burn-down and its episodes, read from reg. The burn-down's last point is
// set to o's budget: BurnDown also counts the events recorded since the
// evaluation, and one figure, the Status's, is the budget every part of a
// response shows.
func (o objectiveJSON) withHistory(reg *slo.Registry) objectiveJSON {
	st := o.Status
	o.History = true
	o.Episodes = nil
	if t, ok := reg.Tracker(st.Journey, st.Objective); ok {
		o.BurnDown = t.BurnDown()
		o.Episodes = t.Episodes()
	}
	if n := len(o.BurnDown); n > 0 {
		o.BurnDown[n-1].Remaining = st.BudgetRemaining
	}
	return o
}

// checked returns o as a check of the health-check draft: its budget
// remaining observed, with the status and output given.
func (o objectiveJSON) checked(status, output string) objectiveJSON {
	o.Check = &check{
		ComponentID:   o.Status.Journey,
		ComponentType: "component",
		ObservedValue: number(o.Status.BudgetRemaining),
		ObservedUnit:  "ratio",
		Status:        status,
		Output:        output,
	}
	return o
}
