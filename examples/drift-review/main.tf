# A CORS review of every bucket in an account, all jurisdictions, at every
# `terraform plan`: cors_findings says what is risky or dead in each policy,
# cors_diff whether it still answers like the approved one in
# approved/<bucket>.json (a bucket without a file is approved with no rules).
# Each warning names the bucket, the rule and the fix. The checks warn and
# the plan still exits 0; with enforce = true the same problems fail the plan
# (exit 1) so that a CI job can gate on them (see docs/guides/cors-review.md).
terraform {
  required_version = ">= 1.8.0" # provider-defined functions
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

variable "jurisdictions" {
  type        = list(string)
  default     = ["default", "eu", "fedramp", "us"]
  description = "Jurisdictions to sweep (a bucket is listed only in its own); leave out those the account cannot use."
}

variable "severities" {
  type        = list(string)
  default     = ["high", "medium", "low"]
  description = "Severities of cors_findings to report, e.g. [\"high\"] to see only the worst."
}

variable "enforce" {
  type        = bool
  default     = false
  description = "Fail the plan (exit 1) on any finding or drift, instead of warning; for CI."
}

# The account-wide sweep. Once r2_bucket_cors_policies lands, these two data
# sources become one (its buckets[] carry name, jurisdiction and rules), and
# data.r2_bucket_cors.each below becomes that list keyed the same way.
data "r2_buckets" "all" {
  for_each     = toset(var.jurisdictions)
  account_id   = var.account_id
  jurisdiction = each.key
}

data "r2_bucket_cors" "each" {
  for_each     = merge([for j, l in data.r2_buckets.all : { for b in l.buckets : "${j}/${b.name}" => b }]...)
  account_id   = var.account_id
  bucket_name  = each.value.name
  jurisdiction = each.value.jurisdiction
}

locals {
  baselines = { for k, c in data.r2_bucket_cors.each : k => "${path.module}/approved/${c.bucket_name}.json" }
  diffs     = { for k, c in data.r2_bucket_cors.each : k => provider::r2::cors_diff(c.rules, jsondecode(fileexists(local.baselines[k]) ? file(local.baselines[k]) : "[]")) }
  findings = flatten([for k, c in data.r2_bucket_cors.each : [
    for f in provider::r2::cors_findings(c.rules) : "${k}: [${f.severity} ${f.code}] ${f.message}" if contains(var.severities, f.severity)
  ]])
  drift = flatten([for k, d in local.diffs : d.equal ? [] : [for c in d.changes : "${k}: [drift] ${c.message}"]])
}

check "cors_review" {
  assert {
    condition     = length(concat(local.findings, local.drift)) == 0
    error_message = join("\n", concat(local.findings, local.drift))
  }
}

# The CI gate: an output's precondition fails the plan, where a check only warns.
output "reviewed" {
  value = { for k, d in local.diffs : k => d.equal ? "as approved" : "DRIFTED" }
  precondition {
    condition     = !var.enforce || length(concat(local.findings, local.drift)) == 0
    error_message = join("\n", concat(["The CORS review failed (enforce = true):"], local.findings, local.drift))
  }
}
