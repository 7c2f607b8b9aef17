package main

import (
	"context"
	"fmt"
	"io"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// serviceName names the example in its spans.
const serviceName = "customerauth-example-server"

// stdoutTracing returns the TracerProvider of -trace stdout, which writes
// every span to w as one JSON object per line, and the function that
// flushes the spans still buffered and stops it. Spans are batched, as a
// real exporter's would be, so writing them costs a request nothing;
// shutdown writes the last batch.
func stdoutTracing(w io.Writer) (trace.TracerProvider, func(context.Context) error, error) {
	exp, err := stdouttrace.New(stdouttrace.WithWriter(w))
	if err != nil {
		return nil, nil, fmt.Errorf("-trace stdout: %w", err)
	}
	res, err := resource.Merge(resource.Default(),
		resource.NewSchemaless(attribute.String("service.name", serviceName)))
	if err != nil {
		return nil, nil, fmt.Errorf("-trace stdout: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return tp, tp.Shutdown, nil
}
