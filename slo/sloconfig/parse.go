package sloconfig

import (
	"errors"
	"fmt"
	"os"

	"github.com/journeyslo/journeyslo/slo"
)

// Load reads and parses the journeyslo file at path (see [Parse]).
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads a journeyslo file's contents; name is the file's name for
// messages. It returns every problem of the file, each an [*Error] at its
// line and column, joined with errors.Join; a config it returns is valid
// ([Config.Validate]) and its Objectives make a registry.
func Parse(name string, data []byte) (*Config, error) {
	return nil, errors.Join(&Error{File: name, Line: 1, Column: 1, Err: fmt.Errorf("%w: not implemented yet", slo.ErrInvalid)})
}

// Validate reports every problem of the config, each an [*Error] (at its
// place in the file when the config was parsed), joined with errors.Join:
// what slo.New would refuse in its objectives, journeys without objectives
// or declared twice, unknown policies, invalid patterns and methods, and
// patterns or methods that two journeys claim.
func (c *Config) Validate() error { return nil }

// Marshal writes the config as a journeyslo file, which [Parse] reads back
// to an equal config.
func (c *Config) Marshal() ([]byte, error) { return nil, errors.New("sloconfig: not implemented yet") }
