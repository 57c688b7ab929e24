# The configuration `make demo` runs: read one bucket's CORS policy and show it.
terraform {
  required_providers {
    r2 = {
      source = "r2tf/r2"
    }
  }
}

variable "account_id" {
  type        = string
  description = "Cloudflare account ID that owns the bucket."
}

variable "bucket_name" {
  type        = string
  description = "Bucket whose CORS policy to read."
}

variable "jurisdiction" {
  type        = string
  default     = null
  description = "Jurisdiction of the bucket (default, eu, fedramp or us)."
}

# Credentials and the API's address come from CLOUDFLARE_API_TOKEN and
# CLOUDFLARE_BASE_URL.
provider "r2" {}

data "r2_bucket_cors" "this" {
  account_id   = var.account_id
  bucket_name  = var.bucket_name
  jurisdiction = var.jurisdiction
}

output "rules" {
  description = "The bucket's CORS rules, in the order R2 applies them."
  value       = data.r2_bucket_cors.this.rules
}

# The same rules as a reader wants them: one line each, in order
# (terraform output -raw rules_summary).
output "rules_summary" {
  description = "One line per rule: id, methods, origins, headers, exposed headers and max age."
  value = join("\n", [
    for i, r in data.r2_bucket_cors.this.rules : join("  ", compact([
      format("%d. %s:", i + 1, r.id == null ? "(no id)" : r.id),
      join(" ", r.allowed.methods),
      format("from %s", join(", ", r.allowed.origins)),
      r.allowed.headers == null ? "" : format("headers %s", join(", ", r.allowed.headers)),
      r.expose_headers == null ? "" : format("exposes %s", join(", ", r.expose_headers)),
      r.max_age_seconds == null ? "" : format("max age %ss", r.max_age_seconds),
    ]))
  ])
}
