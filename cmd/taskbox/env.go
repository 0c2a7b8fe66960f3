package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"
)

// applyEnv sets every flag of env (flag name → variable) that was not given
// on the command line from its environment variable, parsed exactly as the
// flag would be, so that a malformed value is an error rather than silently
// the default: a usage error, as the same value given as the flag is.
func applyEnv(fs *pflag.FlagSet, env map[string]string) error {
	for name, variable := range env {
		v, ok := os.LookupEnv(variable)
		if !ok || v == "" || fs.Changed(name) {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return usageError(fmt.Errorf("%s=%q: %v", variable, v, err))
		}
	}
	return nil
}
