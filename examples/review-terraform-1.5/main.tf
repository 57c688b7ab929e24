# A CORS review for Terraform 1.5 to 1.7, which cannot call provider
# functions (provider::r2::...; they need 1.8): the sweep reads every bucket,
# and check blocks judge its raw attributes. It catches a literal "*" origin
# with a write method, not what cors_findings decides by evaluation (an
# origin pattern such as "https://*" lets any site in too); on 1.8 and later,
# prefer examples/drift-review.
terraform {
  required_version = ">= 1.5.0" # check blocks
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}

# Credentials come from CLOUDFLARE_API_TOKEN (Workers R2 Storage Read).
provider "r2" {}

variable "account_id" {
  type        = string
  description = "Cloudflare account whose buckets are reviewed."
}

data "r2_bucket_cors_policies" "all" {
  account_id = var.account_id
}

locals {
  write_methods = ["PUT", "POST", "DELETE"]
  # One line per rule that lets any origin write: bucket, rule and methods.
  any_origin_writes = flatten([for b in data.r2_bucket_cors_policies.all.buckets : [
    for i, r in b.rules : format("%s/%s: rule %d (%s) lets any origin %s", b.jurisdiction, b.name, i,
    r.id == null ? "no id" : jsonencode(r.id), join(" and ", sort(setintersection(r.allowed.methods, local.write_methods))))
    if contains(r.allowed.origins, "*") && length(setintersection(r.allowed.methods, local.write_methods)) > 0
  ]])
}

# Warns at every plan; the plan still exits 0.
check "no_bucket_lets_any_origin_write" {
  assert {
    condition     = length(local.any_origin_writes) == 0
    error_message = join("\n", local.any_origin_writes)
  }
}

output "buckets_without_cors" {
  value = [for b in data.r2_bucket_cors_policies.all.buckets : "${b.jurisdiction}/${b.name}" if !b.has_policy]
}
