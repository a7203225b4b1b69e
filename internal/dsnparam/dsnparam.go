// Package dsnparam takes a backend's own parameters out of the parameter
// map of a parsed DSN, so that the database driver never sees them, and
// collects an InvalidArgument error for each bad value.
package dsnparam

import (
	"errors"
	"strconv"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Taker takes parameters out of one DSN's parameter map.
type Taker struct {
	params  map[string]string
	backend string // names the backend in messages, e.g. "mysqlstore"
	errs    []error
}

// New returns a Taker of params; backend prefixes its messages.
func New(backend string, params map[string]string) *Taker {
	return &Taker{params: params, backend: backend}
}

// Take removes parameter name, if present, and parses its value with
// parse, recording a parse error for Err.
func (t *Taker) Take(name string, parse func(v string) error) {
	v, ok := t.params[name]
	if !ok {
		return
	}
	delete(t.params, name)
	if err := parse(v); err != nil {
		t.errs = append(t.errs, errcode.New(errcode.InvalidArgument, "%s: DSN parameter %s=%q: %v", t.backend, name, v, err))
	}
}

// Err joins the errors of the values taken so far, nil if all were good.
func (t *Taker) Err() error { return errors.Join(t.errs...) }

// Bool parses a boolean into dst.
func Bool(dst *bool) func(string) error {
	return func(v string) (err error) {
		*dst, err = strconv.ParseBool(v)
		return err
	}
}

// Count parses a count that must not be negative into dst.
func Count(dst *int) func(string) error {
	return func(v string) (err error) {
		if *dst, err = strconv.Atoi(v); err == nil && *dst < 0 {
			err = errors.New("must not be negative")
		}
		return err
	}
}

// Duration parses a duration (time.ParseDuration) that must not be
// negative into dst.
func Duration(dst *time.Duration) func(string) error {
	return func(v string) (err error) {
		if *dst, err = time.ParseDuration(v); err == nil && *dst < 0 {
			err = errors.New("must not be negative")
		}
		return err
	}
}
