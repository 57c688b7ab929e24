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
  default     = null
  description = "Jurisdictions to sweep; null sweeps all four, skipping with a warning any the account may not use (FedRAMP is by contract)."
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

# The account-wide sweep: one data source and one read, however many
# buckets; each of its buckets[] carries name, jurisdiction and rules.
data "r2_bucket_cors_policies" "all" {
  account_id    = var.account_id
  jurisdictions = var.jurisdictions
}

locals {
  cors      = { for b in data.r2_bucket_cors_policies.all.buckets : "${b.jurisdiction}/${b.name}" => b }
  baselines = { for k, c in local.cors : k => "${path.module}/approved/${c.name}.json" }
  diffs     = { for k, c in local.cors : k => provider::r2::cors_diff(c.rules, jsondecode(fileexists(local.baselines[k]) ? file(local.baselines[k]) : "[]")) }
  findings = flatten([for k, c in local.cors : [
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
