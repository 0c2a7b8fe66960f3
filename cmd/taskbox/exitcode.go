package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
)

// Exit codes, so that scripts can tell the outcomes apart. They are listed
// in the root command's help and in the README.
const (
	exitOK       = 0
	exitFailure  = 1 // anything else: a local file, the database of --db, …
	exitUsage    = 2 // a wrong command, flag or argument; no server or key given
	exitNotFound = 3 // the server has no such task, campaign, lead or webhook (404)
	exitRefused  = 4 // the server refused the request: invalid key (401), invalid fields (422), bad request (400), conflict (409), too large (413)
	exitServer   = 5 // the server failed, was unavailable or rate-limited us after every retry, could not be reached, or its answer was cut off
	exitRejects  = 6 // an import finished, but some rows were rejected (see the rejects file)
)

const exitCodesHelp = `Exit codes:
  0  success
  1  any other failure (a local file, the database of --db)
  2  usage error: unknown command or flag, bad flag value or argument,
     no --server or --api-key
  3  not found: the server has no such task, campaign, lead or webhook (404)
  4  refused by the server: invalid API key (401), invalid fields (422),
     bad request (400), conflict (409), request too large (413)
  5  server error: 5xx, unavailable or rate-limited after every retry, unreachable,
     or an answer cut off
  6  an import finished but rejected some rows (written to the rejects file)`

// exitError carries the exit code of an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage error.
func usageError(err error) error { return &exitError{exitUsage, err} }

// usageArgs wraps a cobra argument check so that its refusal is a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError(err)
		}
		return nil
	}
}

// exitCode is the process's exit code for the error a command returned.
func exitCode(err error) int {
	var ee *exitError
	var te *taskbox.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &te):
		switch te.Code {
		case taskbox.ENOTFOUND:
			return exitNotFound
		case taskbox.EBADREQUEST, taskbox.EUNAUTHORIZED, taskbox.ECONFLICT, taskbox.ETOOLARGE, taskbox.EHEADERSTOOLARGE, taskbox.EINVALID, taskbox.EMETHOD:
			return exitRefused
		default:
			return exitServer
		}
	}
	// cobra's own refusals, which it does not route through the flag error
	// func: among them its flag groups (MarkFlagsMutuallyExclusive and kin).
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "required flag", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument",
		"if any flags in the group", "at least one of the flags in the group"} {
		if strings.HasPrefix(msg, prefix) {
			return exitUsage
		}
	}
	return exitFailure
}

// errorText is what the user reads: a server's sentence without the
// code=… wrapping of taskbox.Error's Error method.
func errorText(err error) string {
	if te, ok := err.(*taskbox.Error); ok {
		return te.Message
	}
	return err.Error()
}

// group makes a command group refuse an unknown subcommand as a usage
// error (cobra would print the group's help and exit 0) and print its help
// when run alone.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError(fmt.Errorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath()))
		}
		return cmd.Help()
	}
	return cmd
}
