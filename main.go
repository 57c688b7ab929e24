// Command terraform-provider-r2 serves the r2 Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/r2tf/terraform-provider-r2/internal/provider"
)

// version is set by goreleaser's ldflags at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/r2tf/r2",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
