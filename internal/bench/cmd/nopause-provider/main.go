// Command nopause-provider is the r2 provider without the pause all requests
// share after a 429 (r2api.Config.NoSharedPause): each read waits out its
// own 429s, as before the sweep. The benchmark serves it as r2tf/r2nopause
// to measure what the shared pause saves in a 429 storm.
package main

import (
	"log"

	"github.com/r2tf/terraform-provider-r2/internal/provider"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Address is where the benchmark serves this variant.
const Address = "registry.terraform.io/r2tf/r2nopause"

func main() {
	err := provider.ServeWith(Address, "dev", false, provider.Options{
		ClientOverrides: func(c *r2api.Config) { c.NoSharedPause = true },
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
