data "r2_bucket_cors_policies" "all" {
  account_id = "023e105f4ecef8ad9ca31a8372d0c353"
}

locals {
  review = provider::r2::cors_review(data.r2_bucket_cors_policies.all.buckets, {
    # Baselines by key, "<jurisdiction>/<name>": a file's text as file()
    # returns it, or rules written in HCL.
    approved = {
      "eu/eu-assets"           = jsonencode([{ allowed = { methods = ["GET"], origins = ["https://eu.example.com"] } }])
      "default/no-cors-bucket" = []
    }
    # A known risk, accepted with a reason until a date (then reported again).
    accept = [{
      bucket = "default/legacy-cdn", code = "max-age-over-browser-cap", until = "2027-12-31"
      reason = "the CDN's own cache is a day; browsers cap it, and that is fine"
    }]
    now                   = plantimestamp()
    fail_on               = "medium"
    skipped_jurisdictions = data.r2_bucket_cors_policies.all.skipped_jurisdictions
  })
}

output "statuses" {
  value = { for k, b in local.review.buckets : k => b.status }
}

# Warn at every plan with the report: the verdict and counts, then each
# problem once, by bucket, the most severe first.
check "cors_review" {
  assert {
    condition     = local.review.passed
    error_message = local.review.text
  }
}
