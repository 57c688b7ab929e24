data "r2_bucket_cors" "uploads" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "example-bucket"
}

# Would R2 let a page on an untrusted origin upload to this bucket?
output "anyone_may_upload" {
  value = provider::r2::cors_allows(data.r2_bucket_cors.uploads.rules, "https://attacker.invalid", "PUT", [])
}

# Does the app keep access, with the headers its uploads send?
check "app_can_upload" {
  assert {
    condition     = provider::r2::cors_allows(data.r2_bucket_cors.uploads.rules, "https://app.example.com", "PUT", ["content-type"])
    error_message = "https://app.example.com can no longer upload to the bucket."
  }
}
