// Command terraform-provider-trivial serves the benchmark's trivial provider.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/r2tf/terraform-provider-r2/internal/bench/trivial"
)

func main() {
	err := providerserver.Serve(context.Background(), trivial.New, providerserver.ServeOpts{Address: trivial.Address})
	if err != nil {
		log.Fatal(err.Error())
	}
}
