package main

import (
	"os"
	"testing"
)

// requireSwitch skips t unless the environment variable env is "1". The
// tests that call it reach outside the process (the npm registry, a
// browser), which a machine may have installed and still not be able to
// use, offline for one; so having the tool is no reason to run, and only the
// switch is. CI sets every switch, and with it a missing tool is the test's
// failure rather than a skip.
func requireSwitch(t *testing.T, env, needs string) {
	t.Helper()
	if os.Getenv(env) != "1" {
		t.Skipf("skipped: needs %s; set %s=1 to run it", needs, env)
	}
}
