package slootel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
)

// ScopeName is the instrumentation scope of the instruments: the name of
// the meter Register asks the provider for.
const ScopeName = "github.com/journeyslo/journeyslo/slo/slootel"

// Attribute keys.
const (
	keyJourney   = attribute.Key("journey")
	keyObjective = attribute.Key("objective")
	keyOutcome   = attribute.Key("outcome")
	keyWindow    = attribute.Key("window")
	keyState     = attribute.Key("state")
)

// perInstance ends the description of every per-instance gauge.
const perInstance = " This instance's view alone: never average it across instances; compute the fleet's from journeyslo.sli.events."

var states = []burnrate.Severity{burnrate.SeverityOK, burnrate.SeverityTicket, burnrate.SeverityPage}

// Register creates journeyslo's instruments on the meter provider's meter
// [ScopeName], and one callback that observes every one of them from
// reg's latest evaluation ([slo.Registry.Status]) at each collection. See
// the package documentation for the instruments.
//
// Unregister the returned registration to stop observing, before closing
// reg or shutting the provider down; the instruments themselves stay with
// the meter, as OpenTelemetry instruments do. Register once per registry
// and provider: twice would observe every value twice.
//
// It returns an error wrapping slo.ErrInvalid when reg or mp is nil, and the
// meter's errors if it refuses an instrument or the callback.
func Register(reg *slo.Registry, mp metric.MeterProvider) (metric.Registration, error) {
	switch {
	case reg == nil:
		return nil, fmt.Errorf("%w: Register(nil, ...): pass the *slo.Registry that slo.New returned", errInvalid)
	case mp == nil:
		return nil, fmt.Errorf("%w: Register(..., nil): pass your SDK's MeterProvider, or otel.GetMeterProvider()", errInvalid)
	}
	meter := mp.Meter(ScopeName)
	o := &observer{reg: reg}
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	o.events, err = meter.Int64ObservableCounter("journeyslo.sli.events", metric.WithUnit("{event}"),
		metric.WithDescription("Events each objective judged since the process started, by outcome (good or bad). "+
			"Fleet-wide SLIs and burn rates sum these across instances, then divide."))
	check(err)
	// The events of planned exclusions are an instrument of their own,
	// not a third outcome of journeyslo.sli.events, whose outcomes the
	// fleet's rules sum for the total.
	o.excluded, err = meter.Int64ObservableCounter("journeyslo.sli.excluded_events", metric.WithUnit("{event}"),
		metric.WithDescription("Events of the objective's journey that a planned exclusion kept out of the objective since the process started: "+
			"counted neither good nor bad, and read by no rule."))
	check(err)
	o.unmatched, err = meter.Int64ObservableCounter("journeyslo.unmatched.events", metric.WithUnit("{event}"),
		metric.WithDescription("Events recorded on journey names that no objective declares, by outcome (good or bad); they count toward no objective."))
	check(err)
	o.target, err = meter.Float64ObservableGauge("journeyslo.objective.target", metric.WithUnit("1"),
		metric.WithDescription("The objective's target: the share of events that must be good over its period (0.999 for 99.9%)."))
	check(err)
	o.period, err = meter.Float64ObservableGauge("journeyslo.objective.period", metric.WithUnit("s"),
		metric.WithDescription("The length of the objective's rolling period."))
	check(err)
	o.budget, err = meter.Float64ObservableGauge("journeyslo.instance.budget.remaining", metric.WithUnit("1"),
		metric.WithDescription("Share of the objective's error budget left over its period: 1 untouched, 0 spent, negative overspent."+perInstance))
	check(err)
	o.burn, err = meter.Float64ObservableGauge("journeyslo.instance.burn_rate", metric.WithUnit("1"),
		metric.WithDescription("Error budget burn rate over the window (error ratio / (1 - target)); 0 when the window holds no event."+perInstance))
	check(err)
	o.state, err = meter.Int64ObservableGauge("journeyslo.instance.state", metric.WithUnit("1"),
		metric.WithDescription("1 for the objective's alert state (ok, ticket or page) under its multi-window, multi-burn-rate policy, 0 for the others."+perInstance))
	check(err)
	o.lag, err = meter.Float64ObservableGauge("journeyslo.registry.lag", metric.WithUnit("s"),
		metric.WithDescription("How long ago the registry last evaluated; it stays under a few seconds unless the library is stalled."))
	check(err)
	if len(errs) > 0 {
		return nil, fmt.Errorf("slootel: creating instruments: %w", errors.Join(errs...))
	}

	// Attribute sets are built once: a collection allocates none.
	for _, obj := range reg.Objectives() {
		base := []attribute.KeyValue{keyJourney.String(obj.Journey), keyObjective.String(obj.Name)}
		with := func(kv attribute.KeyValue) metric.MeasurementOption {
			return metric.WithAttributeSet(attribute.NewSet(append(base[:2:2], kv)...))
		}
		a := attrs{
			objective: metric.WithAttributeSet(attribute.NewSet(base...)),
			good:      with(keyOutcome.String("good")),
			bad:       with(keyOutcome.String("bad")),
			windows:   map[time.Duration]metric.MeasurementOption{},
		}
		for _, d := range obj.Policy.Windows() {
			a.windows[d] = with(keyWindow.String(burnrate.FormatWindow(d)))
		}
		for i, s := range states {
			a.states[i] = with(keyState.String(s.String()))
		}
		o.attrs = append(o.attrs, a)
	}
	o.unmatchedGood = metric.WithAttributeSet(attribute.NewSet(keyOutcome.String("good")))
	o.unmatchedBad = metric.WithAttributeSet(attribute.NewSet(keyOutcome.String("bad")))

	r, err := meter.RegisterCallback(o.observe, o.events, o.excluded, o.unmatched, o.target, o.period, o.budget, o.burn, o.state, o.lag)
	if err != nil {
		return nil, fmt.Errorf("slootel: registering the callback: %w", err)
	}
	return r, nil
}

// observer holds the instruments and the attribute sets of one registry.
// It is read-only after Register, so its callback is safe for concurrent
// use.
type observer struct {
	reg *slo.Registry

	events, unmatched metric.Int64ObservableCounter
	excluded          metric.Int64ObservableCounter
	target, period    metric.Float64ObservableGauge
	budget, burn      metric.Float64ObservableGauge
	state             metric.Int64ObservableGauge
	lag               metric.Float64ObservableGauge
	attrs             []attrs // in declaration order, as Status
	unmatchedGood     metric.MeasurementOption
	unmatchedBad      metric.MeasurementOption
}

// attrs are the attribute sets of one objective.
type attrs struct {
	objective, good, bad metric.MeasurementOption
	windows              map[time.Duration]metric.MeasurementOption
	states               [3]metric.MeasurementOption // ok, ticket, page
}

func (o *observer) observe(_ context.Context, obs metric.Observer) error {
	for i, st := range o.reg.Status() {
		a := &o.attrs[i]
		obs.ObserveInt64(o.events, clamp(st.TotalGood), a.good)
		obs.ObserveInt64(o.events, clamp(st.TotalBad), a.bad)
		obs.ObserveInt64(o.excluded, clamp(st.TotalExcluded), a.objective)
		obs.ObserveFloat64(o.target, st.Target, a.objective)
		obs.ObserveFloat64(o.period, st.Period.Seconds(), a.objective)
		// A budget over too few events or young data claims nothing: no
		// observation, so the backend has no point rather than a figure
		// like -9900%.
		if st.Budget.Claims() {
			obs.ObserveFloat64(o.budget, st.BudgetRemaining, a.objective)
		}
		for _, b := range st.Windows {
			if w, ok := a.windows[b.Window]; ok {
				obs.ObserveFloat64(o.burn, b.Rate, w)
			}
		}
		for j, s := range states {
			v := int64(0)
			if st.State == s {
				v = 1
			}
			obs.ObserveInt64(o.state, v, a.states[j])
		}
	}
	good, bad := o.reg.Unmatched()
	obs.ObserveInt64(o.unmatched, clamp(good), o.unmatchedGood)
	obs.ObserveInt64(o.unmatched, clamp(bad), o.unmatchedBad)
	lag, _ := o.reg.Staleness()
	obs.ObserveFloat64(o.lag, lag.Seconds())
	return nil
}

// clamp converts a count to the int64 an Int64 instrument takes; 2^63
// events are beyond any process's life, but a wrap to negative would read
// as a counter reset.
func clamp(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}

// errInvalid begins every misconfiguration error of the package: it reads
// "slootel" and matches slo.ErrInvalid.
var errInvalid = invalid.Prefix("slootel")
