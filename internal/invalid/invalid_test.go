package invalid_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/internal/invalid"
	"github.com/journeyslo/journeyslo/slo"
)

func TestErrorf(t *testing.T) {
	cause := burnrate.ValidateTarget(1.5)
	err := invalid.Errorf("slorisk: objective %s: %w", "checkout:availability", cause)
	if want := "slorisk: objective checkout:availability: " + cause.Error(); err.Error() != want {
		t.Errorf("Errorf = %q, want %q", err, want)
	}
	if !errors.Is(err, slo.ErrInvalid) || !errors.Is(err, burnrate.ErrInvalid) {
		t.Errorf("%v does not match slo.ErrInvalid and burnrate.ErrInvalid", err)
	}
	if errors.Is(invalid.Errorf("slorules: no objectives"), burnrate.ErrInvalid) {
		t.Error("an error without a cause matches burnrate.ErrInvalid")
	}
}

func TestPrefix(t *testing.T) {
	pre := invalid.Prefix("slobacktest")
	err := fmt.Errorf("%w: sample %d: %w", pre, 3, burnrate.ValidateTarget(2))
	if want := "slobacktest: sample 3: " + burnrate.ValidateTarget(2).Error(); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !errors.Is(err, slo.ErrInvalid) || !errors.Is(err, burnrate.ErrInvalid) || !errors.Is(pre, slo.ErrInvalid) {
		t.Errorf("%v does not match slo.ErrInvalid and burnrate.ErrInvalid", err)
	}
}
