// Command terraform-provider-r2 serves the r2 Terraform provider.
package main

import (
	"flag"
	"log"

	"github.com/r2tf/terraform-provider-r2/internal/provider"
)

// version is set by goreleaser's ldflags at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if err := provider.Serve(version, debug); err != nil {
		log.Fatal(err.Error())
	}
}
