package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/shopkit/customerauth/smtpnotify"
)

// mainArgsEnv, when set, makes the test binary run the command's main with
// these arguments instead of the tests, so that a test can see the exit
// code a user would.
const mainArgsEnv = "EXAMPLE_SERVER_MAIN_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainArgsEnv); ok {
		os.Args = append([]string{"server"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the command in a process of its own, with env added to
// the environment, and returns its exit code, standard output and standard
// error.
func runMain(t *testing.T, args string, env ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...), mainArgsEnv+"="+args)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

func TestHelpPrintsTheFlagsAndExitsZero(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			const secret = "multipass-secret-from-env"
			code, stdout, stderr := runMain(t, arg, "CUSTOMERAUTH_MULTIPASS_SECRET="+secret)
			if code != 0 {
				t.Errorf("exit code %d, want 0; stderr:\n%s", code, stderr)
			}
			for _, want := range []string{"Usage: server [flags]", "-addr", "-store", "-dsn", "-shop-url",
				"-multipass-secret", "-storefront-token", "-smtp", "-trace"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("the usage lacks %q:\n%s", want, stdout)
				}
			}
			if stderr != "" {
				t.Errorf("help wrote to stderr:\n%s", stderr)
			}
			if strings.Contains(stdout, secret) {
				t.Errorf("the usage shows the Multipass secret from the environment:\n%s", stdout)
			}
		})
	}
}

func TestMultipassSecretFromTheEnvironment(t *testing.T) {
	t.Setenv("CUSTOMERAUTH_MULTIPASS_SECRET", "from-env")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "from-env"},
		{[]string{"-multipass-secret", "from-flag"}, "from-flag"},
		{[]string{"-multipass-secret", ""}, ""}, // turns Multipass off
	} {
		o, err := parseFlags(tt.args, &bytes.Buffer{})
		if err != nil || o.multipassSecret != tt.want {
			t.Errorf("%q: secret %q, error %v; want %q", tt.args, o.multipassSecret, err, tt.want)
		}
	}
}

func TestBadCommandLineExitsTwoWithUsage(t *testing.T) {
	for _, args := range []string{"-no-such-flag", "-trace jaeger", "extra"} {
		t.Run(args, func(t *testing.T) {
			code, stdout, stderr := runMain(t, args)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, "Usage: server [flags]") || stdout != "" {
				t.Errorf("want the usage on stderr only; stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

// TestSMTPFlag feeds mail server URLs through -smtp: every form the help
// text describes is taken, the rest refused with a reason that never
// repeats the password.
func TestSMTPFlag(t *testing.T) {
	const password = "pa55-w0rd-secret"
	tests := []struct {
		url     string
		wantErr string // empty: accepted
	}{
		{"smtp://127.0.0.1?from=shop@example.com", ""},
		{"smtp://shop:" + password + "@mail.example:587?from=shop@example.com&tls=starttls", ""},
		{"smtp://shop:" + password + "@mail.example:587?from=shop@example.com&tls=mandatory", ""},
		{"smtp://mail.example:25?from=shop@example.com&tls=opportunistic", ""},
		{"smtp://localhost:1025?from=shop@example.com&tls=none", ""},
		{"smtp://mail.example?from=shop@example.com&tls=implicit", ""},
		{"smtps://shop:" + password + "@mail.example?from=Shop%20%3Cno-reply@shop.example%3E&shop=Example%20Shop", ""},
		{"smtps://mail.example:465?from=shop@example.com&tls=implicit", ""},
		{"smtp://[::1]:2525?from=shop@example.com&tls=none", ""},
		{"smtp://shop:p%40ss%3Aword@mail.example?from=shop@example.com", ""},

		{"smtps://mail.example?from=shop@example.com&tls=starttls", "smtps:// always uses implicit TLS"},
		{"smtp://shop:" + password + "@mail.example?from=shop@example.com&tls=yes", "tls must be starttls, implicit, opportunistic or none"},
		{"smtp://shop:" + password + "@mail.example", "From is required"},
		{"smtp://mail.example?from=not-an-address", "is not an email address"},
		{"smtp://mail.example:99999?from=shop@example.com", "bad port"},
		{"http://shop:" + password + "@mail.example?from=shop@example.com", "must look like smtp://"},
		{"mail.example:587", "must look like smtp://"},
		{"smtp://shop@mail.example?from=shop@example.com", "must be set together"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			o, err := parseFlags([]string{"-smtp", tt.url}, &bytes.Buffer{})
			if err != nil {
				t.Fatalf("parseFlags: %v", err)
			}
			_, _, err = newSMTPNotifier(o.smtp)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			case err != nil && (strings.Contains(err.Error(), password) || !strings.HasPrefix(err.Error(), "-smtp: ")):
				t.Errorf("error %q: want it to start with -smtp: and to hide the password", err)
			}
		})
	}
}

// TestSMTPUsageMatchesParseURL keeps -smtp's help honest: each tls value
// it names is one smtpnotify.ParseURL takes, and it names every one.
func TestSMTPUsageMatchesParseURL(t *testing.T) {
	for _, v := range []string{"starttls", "mandatory", "opportunistic", "none", "implicit"} {
		if _, err := smtpnotify.ParseURL("smtp://mail.example?from=shop@example.com&tls=" + v); err != nil {
			t.Errorf("ParseURL refuses tls=%s: %v", v, err)
		}
		if !strings.Contains(smtpUsage, v) {
			t.Errorf("the -smtp usage does not name tls=%s", v)
		}
	}
	for _, want := range []string{"smtp://", "smtps://", "from=", "shop=", "587", "465"} {
		if !strings.Contains(smtpUsage, want) {
			t.Errorf("the -smtp usage does not mention %q", want)
		}
	}
}
