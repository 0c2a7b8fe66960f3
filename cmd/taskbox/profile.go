package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/pflag"
)

// profileFlags are serve's hidden --cpuprofile and --memprofile, which
// `taskbox bench --profile-dir` sets on the server it starts.
type profileFlags struct {
	CPU, Mem string
}

func (p *profileFlags) register(f *pflag.FlagSet) {
	f.StringVar(&p.CPU, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	f.StringVar(&p.Mem, "memprofile", "", "write an allocation profile of the whole run to this file at exit")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
}

// start starts the CPU profile; the function it returns stops it and
// writes the allocation profile.
func (p *profileFlags) start() (func() error, error) {
	var cpu *os.File
	if p.CPU != "" {
		var err error
		if cpu, err = os.Create(p.CPU); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, err
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return err
			}
		}
		if p.Mem == "" {
			return nil
		}
		f, err := os.Create(p.Mem)
		if err != nil {
			return err
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", p.Mem, err)
		}
		return f.Close()
	}, nil
}

// cpus is the number of CPUs a Go process here uses.
func cpus() int { return runtime.GOMAXPROCS(0) }
