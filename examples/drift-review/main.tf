# A drift review of every bucket's CORS policy in an account: `terraform plan`
# reads every bucket's policy in every jurisdiction with one data source
# (r2_bucket_cors_policies), and the check blocks warn when a policy strays
# from what was approved. Checks never block a plan; each
# failed one prints a warning a reviewer cannot miss.
#
# The provider functions (provider::r2::cors_allows) answer as R2 would a
# browser's preflight, so the checks test behaviour, not strings: a rule for
# "https://*.example.com" is caught just as one for "*" is.
terraform {
  required_version = ">= 1.8.0" # provider-defined functions

  required_providers {
    r2 = {
      source = "r2tf/r2"
    }
  }
}

# Credentials come from CLOUDFLARE_API_TOKEN (Workers R2 Storage Read).
provider "r2" {}

variable "account_id" {
  type        = string
  description = "Cloudflare account whose buckets are reviewed."
}

variable "jurisdictions" {
  type        = set(string)
  default     = null
  description = "Jurisdictions to review (default, eu, fedramp, us); null reviews all four, skipping any the account may not use."
}

variable "untrusted_origin" {
  type        = string
  default     = "https://attacker.invalid"
  description = "An origin no bucket should trust: if it may write, any origin may."
}

variable "expected_origins" {
  type        = map(list(string))
  default     = {}
  description = "Per bucket (\"name\", or \"eu/name\" outside the default jurisdiction), origins that must keep read (GET) access, e.g. { \"assets\" = [\"https://app.example.com\"] }."
}

variable "max_age_limit_seconds" {
  type        = number
  default     = 7200
  description = "Longest preflight cache browsers honour (Chromium caps it at 2 hours)."
}

# One read for the whole account, however many buckets: no list plus
# for_each, whose cost per instance is Terraform's and grows with the account.
data "r2_bucket_cors_policies" "all" {
  account_id    = var.account_id
  jurisdictions = var.jurisdictions
}

locals {
  # Each bucket's policy by name; "eu/name" and so on outside the default
  # jurisdiction, where the same name may exist again.
  cors_by_bucket = {
    for b in data.r2_bucket_cors_policies.all.buckets :
    (b.jurisdiction == "default" ? b.name : "${b.jurisdiction}/${b.name}") => b
  }

  write_methods = ["PUT", "POST", "DELETE"]

  # Buckets where an arbitrary origin may write, with the methods it may use.
  open_to_any_writer = {
    for name, cors in local.cors_by_bucket : name => [
      for m in local.write_methods : m if provider::r2::cors_allows(cors.rules, var.untrusted_origin, m, [])
    ]
    if anytrue([for m in local.write_methods : provider::r2::cors_allows(cors.rules, var.untrusted_origin, m, [])])
  }

  # Expected origins that lost read access (or whose bucket is gone).
  lost_access = {
    for name, origins in var.expected_origins : name => [
      for o in origins : o
      if !try(provider::r2::cors_allows(local.cors_by_bucket[name].rules, o, "GET", []), false)
    ]
    if length([
      for o in origins : o
      if !try(provider::r2::cors_allows(local.cors_by_bucket[name].rules, o, "GET", []), false)
    ]) > 0
  }

  # Rules that ask browsers to cache preflights longer than they will.
  over_long_max_age = {
    for name, cors in local.cors_by_bucket : name => [
      for i, rule in cors.rules : coalesce(rule.id, "rule ${i}")
      if try(rule.max_age_seconds > var.max_age_limit_seconds, false)
    ]
    if length([for rule in cors.rules : rule if try(rule.max_age_seconds > var.max_age_limit_seconds, false)]) > 0
  }
}

check "no_bucket_lets_any_origin_write" {
  assert {
    condition     = length(local.open_to_any_writer) == 0
    error_message = "Any origin may write to these buckets (bucket => methods): ${jsonencode(local.open_to_any_writer)}."
  }
}

check "expected_origins_keep_access" {
  assert {
    condition     = length(local.lost_access) == 0
    error_message = "Expected origins lost GET access (bucket => origins): ${jsonencode(local.lost_access)}."
  }
}

check "max_age_within_browser_limits" {
  assert {
    condition     = length(local.over_long_max_age) == 0
    error_message = "Rules set max_age_seconds above ${var.max_age_limit_seconds}, which browsers cap (bucket => rules): ${jsonencode(local.over_long_max_age)}."
  }
}

output "reviewed_buckets" {
  description = "Every bucket reviewed, with its number of CORS rules."
  value       = { for name, cors in local.cors_by_bucket : name => length(cors.rules) }
}
