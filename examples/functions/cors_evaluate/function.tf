data "r2_bucket_cors" "uploads" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "example-bucket"
}

# What R2 would answer the browser's preflight for a PUT with a content-type
# header from the app: which rule matched and the headers it would send.
output "app_upload_preflight" {
  value = provider::r2::cors_evaluate(
    data.r2_bucket_cors.uploads.rules,
    "https://app.example.com",
    "PUT",
    ["content-type"],
  )
}
