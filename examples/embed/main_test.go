package main

import (
	"context"
	"testing"
)

func TestHostSchemaServesCustomerWithHostOrders(t *testing.T) {
	got, err := run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"customer":{"firstName":"Ann","orders":[{"name":"#1001","total":"42.00"}]},"shopName":"Example Shop"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
