package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestTraceStdoutWritesSpans runs the example with -trace stdout's
// TracerProvider and finds the request's span, with the service's name,
// in the output once the provider is shut down, as run does on exit.
func TestTraceStdoutWritesSpans(t *testing.T) {
	var out logBuffer
	tp, shutdown, err := stdoutTracing(&out)
	if err != nil {
		t.Fatal(err)
	}
	_, ts := startServer(t, options{store: "memory", quietAccess: true, tracerProvider: tp}, io.Discard)
	post(t, ts.URL, registerBody)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	spans := out.String()
	for _, want := range []string{`"Name":"customerauth.request"`, `"Value":"` + serviceName + `"`} {
		if !strings.Contains(spans, want) {
			t.Errorf("the spans lack %s:\n%s", want, spans)
		}
	}
}
