package sloconfig_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/fixture"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

var ignoreUnexported = cmpopts.IgnoreUnexported(sloconfig.Config{})

// randomConfig returns a valid config drawn from rng: every feature of
// the format, in combinations no one would write by hand.
func randomConfig(rng *rand.Rand) *sloconfig.Config {
	day := 24 * time.Hour
	pick := func(ds ...time.Duration) time.Duration { return ds[rng.IntN(len(ds))] }
	maybe := func() bool { return rng.IntN(2) == 0 }
	events := func() *uint64 {
		if maybe() {
			return nil
		}
		return sloconfig.Events(uint64(rng.IntN(3000)))
	}
	severity := func() burnrate.Severity {
		if maybe() {
			return burnrate.SeverityPage
		}
		return burnrate.SeverityTicket
	}
	c := &sloconfig.Config{Service: "svc-" + strconv.Itoa(rng.IntN(100))}
	// Named policies fit every objective: windows within the shortest
	// period drawn (1d) and factors of at most 1, which any target allows.
	var policies []string
	for i := range rng.IntN(3) {
		if c.Policies == nil {
			c.Policies = map[string]sloconfig.Policy{}
		}
		name := fmt.Sprintf("policy-%d", i)
		p := sloconfig.Policy{MinEvents: events()}
		for k := range rng.IntN(3) {
			long := pick(10*time.Minute, time.Hour, 6*time.Hour, day)
			p.Rules = append(p.Rules, burnrate.Rule{
				Name: fmt.Sprintf("r%d", k), Long: long, Short: long / 6,
				Factor: float64(1+rng.IntN(1000)) / 1000, Severity: severity(),
			})
		}
		c.Policies[name] = p
		policies = append(policies, name)
	}
	routes := 0
	for i := range 1 + rng.IntN(3) {
		j := sloconfig.Journey{Name: fmt.Sprintf("journey-%d", i)}
		for range rng.IntN(3) {
			j.Patterns = append(j.Patterns, fmt.Sprintf("POST /j%d/r%d", i, routes))
			j.Methods = append(j.Methods, fmt.Sprintf("/svc.v1.S/M%d", routes))
			routes++
		}
		for k := range 1 + rng.IntN(3) {
			// 1 - m x 10^-e, written as the decimal it is.
			e, m := 1+rng.IntN(5), 1+rng.IntN(9)
			target, _ := strconv.ParseFloat("0."+strings.Repeat("9", e-1)+strconv.Itoa(10-m), 64)
			o := sloconfig.Objective{Name: fmt.Sprintf("objective-%d", k), Target: target}
			if k == 0 && maybe() {
				o.Name = "" // the default name
			}
			if maybe() {
				o.Period = pick(day, 7*day, 28*day, 30*day, 90*day)
			}
			if maybe() {
				o.Latency = time.Duration(1+rng.IntN(5000)) * time.Millisecond
			}
			period := o.Period
			if period == 0 {
				period = slo.DefaultPeriod
			}
			switch rng.IntN(3) {
			case 0: // the default policy
				o.MinEvents = events()
			case 1:
				if len(policies) > 0 {
					o.Policy = policies[rng.IntN(len(policies))]
					o.MinEvents = events()
				}
			case 2:
				for n := range 1 + rng.IntN(3) {
					long := pick(10*time.Minute, time.Hour, 6*time.Hour, day, period)
					o.Rules = append(o.Rules, burnrate.Rule{
						Name: fmt.Sprintf("inline-%d", n), Long: long, Short: max(100*time.Second, long/12),
						Factor: burnrate.MaxRate(target) * float64(1+rng.IntN(100)) / 100, Severity: severity(),
					})
				}
				o.MinEvents = events()
			}
			if maybe() {
				o.Runbook = "https://runbooks.example.com/" + j.Name
			}
			if maybe() {
				o.Labels = map[string]string{"team": "t" + strconv.Itoa(rng.IntN(5)), "tier": strconv.Itoa(rng.IntN(3))}
			}
			j.Objectives = append(j.Objectives, o)
		}
		c.Journeys = append(c.Journeys, j)
	}
	return c
}

// Any config written and read back is the same config, and what loads
// makes a registry whose objectives come back through FromObjectives.
func TestRandomConfigs(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 9))
		c := randomConfig(rng)
		if err := c.Validate(); err != nil {
			t.Fatalf("seed %d: the generator drew an invalid config: %v", seed, err)
		}
		b, err := c.Marshal()
		if err != nil {
			t.Fatalf("seed %d: Marshal: %v", seed, err)
		}
		back, err := sloconfig.Parse("random.yaml", b)
		if err != nil {
			t.Fatalf("seed %d: Parse(Marshal) = %v\n%s", seed, err, b)
		}
		if diff := cmp.Diff(c, back, ignoreUnexported); diff != "" {
			t.Fatalf("seed %d: Parse(Marshal(c)) (-c +back):\n%s\n%s", seed, diff, b)
		}
		checkRegistry(t, fmt.Sprintf("seed %d", seed), back)
		if dir := os.Getenv("SLOCONFIG_WRITE_CORPUS"); dir != "" && seed < 20 {
			// go test ./slo/sloconfig -run TestRandomConfigs with this set
			// to testdata/fuzz/FuzzParse refreshes the generated seeds.
			writeSeed(t, filepath.Join(dir, fmt.Sprintf("random-%02d", seed)), b)
		}
	}
}

// checkRegistry is the property: a config that loads makes a registry, the
// middleware takes its routes, and FromObjectives gives back the
// registry's objectives.
func checkRegistry(t *testing.T, name string, c *sloconfig.Config) {
	t.Helper()
	reg, err := slo.New(c.Objectives(), slo.WithManualAdvance())
	if err != nil {
		t.Fatalf("%s: a config that loads does not make a registry: %v", name, err)
	}
	defer reg.Close()
	for p, j := range c.Patterns() {
		if fixture.Journey(reg, j).Name() != j {
			t.Fatalf("%s: pattern %q maps to %q, which the registry does not declare", name, p, j)
		}
	}
	objs := reg.Objectives()
	again := sloconfig.FromObjectives(c.Service, objs, c.Patterns(), c.Methods())
	if err := again.Validate(); err != nil {
		t.Fatalf("%s: FromObjectives(registry objectives) is invalid: %v", name, err)
	}
	if diff := cmp.Diff(objs, again.Objectives()); diff != "" {
		t.Fatalf("%s: FromObjectives(objs).Objectives() (-objs +got):\n%s", name, diff)
	}
	if diff := cmp.Diff(c.Patterns(), again.Patterns()); diff != "" {
		t.Fatalf("%s: patterns after FromObjectives (-want +got):\n%s", name, diff)
	}
	if diff := cmp.Diff(c.Methods(), again.Methods()); diff != "" {
		t.Fatalf("%s: methods after FromObjectives (-want +got):\n%s", name, diff)
	}
}

func writeSeed(t *testing.T, path string, data []byte) {
	t.Helper()
	seed := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
	if err := os.WriteFile(path, []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzParse feeds the decoder anything: it must never panic, every
// problem must be an *Error matching slo.ErrInvalid, and every file it
// accepts must make a registry and write itself back unchanged.
func FuzzParse(f *testing.F) {
	shop, err := os.ReadFile("../../examples/config/shop.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shop)
	f.Add([]byte(`{"service": "s", "journeys": [{"name": "a", "objectives": [{"target": "99%", "latency": "1s"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := sloconfig.Parse("fuzz.yaml", data)
		if err != nil {
			if c != nil {
				t.Fatal("Parse returned a config with its error")
			}
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				var fe *sloconfig.Error
				if !errors.As(e, &fe) || !errors.Is(e, slo.ErrInvalid) || fe.Line < 1 || fe.Column < 1 || fe.Err.Error() == "" {
					t.Fatalf("problem %q: want an *sloconfig.Error at a line and column, matching slo.ErrInvalid", e)
				}
			}
			return
		}
		checkRegistry(t, "fuzz", c)
		b, err := c.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a config that loads: %v", err)
		}
		back, err := sloconfig.Parse("fuzz.yaml", b)
		if err != nil {
			t.Fatalf("Parse(Marshal(c)) = %v\n%s", err, b)
		}
		if diff := cmp.Diff(c, back, ignoreUnexported); diff != "" {
			t.Fatalf("Parse(Marshal(c)) (-c +back):\n%s", diff)
		}
	})
}
