// Command localprovider builds the provider into DIR/bin and writes
// DIR/terraformrc, a CLI configuration that serves the build offline (see
// package localprovider); it prints that file's path, for
// TF_CLI_CONFIG_FILE. scripts/lib.sh runs it.
//
// Usage: go run ./internal/localprovider/cmd/localprovider -dir DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/r2tf/terraform-provider-r2/internal/localprovider"
)

func main() {
	dir := flag.String("dir", "", "working `directory` for the build and the CLI configuration (required)")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: localprovider -dir DIR")
		os.Exit(2)
	}
	rc, err := localprovider.Install(context.Background(), "", *dir, localprovider.R2)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localprovider:", err)
		os.Exit(1)
	}
	fmt.Println(rc)
}
