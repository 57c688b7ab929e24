package provider_test

import (
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
)

func TestMain(m *testing.M) { acctest.TestMain(m) }
