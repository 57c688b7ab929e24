# A CORS review of every bucket in an account, all jurisdictions, at every
# `terraform plan`, with one call of cors_review: each policy's findings
# (cors_findings), its drift from approved/<jurisdiction>/<name>.json
# (cors_diff; a bucket with a policy and no file is unapproved), accepted
# risks, and reports for people (a check's message), dashboards
# (report_json) and GitHub code scanning (sarif). The check warns and the
# plan exits 0; with enforce = true the same report fails the plan (exit 1).
# docs/guides/cors-review.md shows how to create approved/ from the live
# account and how CI keeps its reports when the review fails.
terraform {
  required_version = ">= 1.8.0" # provider-defined functions
  required_providers { r2 = { source = "r2tf/r2" } }
}

variable "account_id" {
  type        = string
  description = "Cloudflare account whose buckets are reviewed (credentials from CLOUDFLARE_API_TOKEN, Workers R2 Storage Read)."
}

variable "jurisdictions" {
  type        = list(string)
  default     = null
  description = "Jurisdictions to sweep; null sweeps all four, skipping (and reporting) any the account may not use."
}

variable "accept" {
  type = list(object({
    bucket     = string # "<jurisdiction>/<name>", or "*" for every bucket
    code       = string # a cors_findings code
    reason     = string
    rule_index = optional(number)
    until      = optional(string) # a date (valid through that day, UTC) or an RFC 3339 time
  }))
  default     = []
  description = "Accepted risks, each with a reason and, best, an expiry; e.g. in accept.auto.tfvars."
}

variable "enforce" {
  type        = bool
  default     = false
  description = "Fail the plan (exit 1) when the review fails, instead of warning."
}

data "r2_bucket_cors_policies" "all" {
  account_id    = var.account_id
  jurisdictions = var.jurisdictions
}

locals {
  # The baselines, in a local of their own: Terraform reads the files while
  # the sweep runs, not after it.
  approved = { for f in fileset("${path.module}/approved", "*/*.json") : trimsuffix(f, ".json") => file("${path.module}/approved/${f}") }
  review = provider::r2::cors_review(data.r2_bucket_cors_policies.all.buckets, {
    approved              = local.approved
    accept                = var.accept
    now                   = plantimestamp()
    skipped_jurisdictions = data.r2_bucket_cors_policies.all.skipped_jurisdictions
  })
}

# Warn mode: the report, once, at every plan.
check "cors_review" {
  assert {
    condition     = var.enforce || local.review.passed
    error_message = local.review.text
  }
}

# Enforce mode: the same report as an error (a check only warns).
output "summary" {
  value = local.review.summary
  precondition {
    condition     = !var.enforce || local.review.passed
    error_message = local.review.text
  }
}

# The reports, for CI (terraform show -json); sensitive, so a plan does not
# print them.
output "report_json" {
  value     = local.review.json
  sensitive = true
}

output "sarif" {
  value     = local.review.sarif
  sensitive = true
}
