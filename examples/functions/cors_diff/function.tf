data "r2_bucket_cors" "uploads" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "example-bucket"
}

locals {
  # The approved rules, written by hand; optional fields (id, headers,
  # expose_headers, max_age_seconds) may be left out. A file works too:
  # jsondecode(file("approved/uploads.json")).
  approved = [
    { id = "reads", allowed = { methods = ["GET", "HEAD"], origins = ["*"] }, max_age_seconds = 3600 },
    { id = "uploads", allowed = { methods = ["PUT"], origins = ["https://app.example.com"], headers = ["content-type"] } },
  ]
  drift = provider::r2::cors_diff(data.r2_bucket_cors.uploads.rules, local.approved)
}

# Warn at every plan when the live policy answers any preflight differently.
check "uploads_cors_is_approved" {
  assert {
    condition     = local.drift.equal
    error_message = "uploads: ${join(" ", [for c in local.drift.changes : c.message])}"
  }
}
