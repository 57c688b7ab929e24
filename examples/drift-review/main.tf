# A drift review of one bucket's CORS policy: `terraform plan` reads the live
# policy and the check blocks warn when it strays from what was approved.
# Checks never block a plan; they print a warning a reviewer cannot miss.
terraform {
  required_version = ">= 1.5.0" # check blocks

  required_providers {
    r2 = {
      source = "r2tf/r2"
    }
  }
}

provider "r2" {}

variable "account_id" {
  type        = string
  description = "Cloudflare account ID that owns the bucket."
}

variable "bucket_name" {
  type        = string
  description = "Bucket under review."
}

variable "jurisdiction" {
  type        = string
  default     = null
  description = "Jurisdiction of the bucket: default, eu, fedramp or us."
}

variable "expected_origins" {
  type        = list(string)
  default     = ["https://app.example.com"]
  description = "Origins that must keep access to the bucket."
}

variable "max_age_limit_seconds" {
  type        = number
  default     = 7200
  description = "Longest preflight cache browsers honour (Chromium caps at 2 hours)."
}

data "r2_bucket_cors" "reviewed" {
  account_id   = var.account_id
  bucket_name  = var.bucket_name
  jurisdiction = var.jurisdiction
}

locals {
  rules         = data.r2_bucket_cors.reviewed.rules
  write_methods = ["PUT", "POST", "DELETE"]

  # Rules that let any origin ("*") write.
  wildcard_write_rules = [
    for i, rule in local.rules : coalesce(rule.id, "rule ${i}")
    if contains(rule.allowed.origins, "*") && length(setintersection(rule.allowed.methods, local.write_methods)) > 0
  ]

  allowed_origins = toset(flatten([for rule in local.rules : rule.allowed.origins]))
  missing_origins = setsubtract(toset(var.expected_origins), local.allowed_origins)

  over_long_max_age = [
    for i, rule in local.rules : coalesce(rule.id, "rule ${i}")
    if rule.max_age_seconds != null && try(rule.max_age_seconds > var.max_age_limit_seconds, false)
  ]
}

check "no_wildcard_origin_may_write" {
  assert {
    condition     = length(local.wildcard_write_rules) == 0
    error_message = "Bucket ${var.bucket_name}: rules ${jsonencode(local.wildcard_write_rules)} let any origin (*) write (PUT, POST or DELETE)."
  }
}

check "expected_origins_present" {
  assert {
    condition     = length(local.missing_origins) == 0
    error_message = "Bucket ${var.bucket_name}: expected origins lost access: ${jsonencode(local.missing_origins)}."
  }
}

check "max_age_within_browser_limits" {
  assert {
    condition     = length(local.over_long_max_age) == 0
    error_message = "Bucket ${var.bucket_name}: rules ${jsonencode(local.over_long_max_age)} set max_age_seconds above ${var.max_age_limit_seconds}, which browsers cap."
  }
}

output "rules" {
  description = "The live policy, for the review record."
  value       = local.rules
}
