terraform {
  required_providers {
    r2 = {
      source = "r2tf/r2"
    }
  }
}

# Recommended: leave credentials out of the configuration and set
# CLOUDFLARE_API_TOKEN to a token with the "Workers R2 Storage Read" permission.
provider "r2" {}

# Or set them explicitly, from variables that are never committed.
variable "cloudflare_api_token" {
  type      = string
  sensitive = true
}

provider "r2" {
  alias     = "explicit"
  api_token = var.cloudflare_api_token
}
