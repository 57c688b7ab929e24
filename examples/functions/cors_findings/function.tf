data "r2_bucket_cors" "uploads" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "public-uploads"
}

locals {
  findings = provider::r2::cors_findings(data.r2_bucket_cors.uploads.rules)
}

# Every finding, one line each: "high any-origin-write: Rule 0 ("Anyone may upload") lets any origin PUT and POST: ..."
output "findings" {
  value = [for f in local.findings : "${f.severity} ${f.code}: ${f.message}"]
}

# Warn at every plan about anything high or medium.
check "uploads_cors_review" {
  assert {
    condition     = length([for f in local.findings : f if f.severity != "low"]) == 0
    error_message = join("\n", [for f in local.findings : f.message if f.severity != "low"])
  }
}
