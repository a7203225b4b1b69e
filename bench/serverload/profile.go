package main

import (
	"errors"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) this process has used,
// or 0 where the system does not say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// profiles names the files that the profiles of one load run go to; an
// empty name means no such profile.
type profiles struct {
	cpu, mutex, block string
}

// start starts the profiles and returns a function that stops them and
// writes them out.
func (p profiles) start() (stop func() error, err error) {
	var cpu *os.File
	if p.cpu != "" {
		if cpu, err = os.Create(p.cpu); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, err
		}
	}
	if p.mutex != "" {
		runtime.SetMutexProfileFraction(5)
	}
	if p.block != "" {
		runtime.SetBlockProfileRate(10_000) // one event per 10µs blocked
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		errs = append(errs, writeProfile("mutex", p.mutex), writeProfile("block", p.block))
		return errors.Join(errs...)
	}, nil
}

// writeProfile writes the named runtime profile to file, if file is set.
func writeProfile(name, file string) error {
	if file == "" {
		return nil
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
