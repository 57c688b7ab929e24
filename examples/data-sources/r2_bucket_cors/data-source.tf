# Read the CORS policy of a bucket in the default jurisdiction.
data "r2_bucket_cors" "example" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "example-bucket"
}

# A bucket created in the EU jurisdiction is only visible with jurisdiction set.
data "r2_bucket_cors" "eu_assets" {
  account_id   = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name  = "eu-assets"
  jurisdiction = "eu"
}

# A bucket without a CORS policy reads as an empty list, not an error.
data "r2_bucket_cors" "no_policy" {
  account_id  = "023e105f4ecef8ad9ca31a8372d0c353"
  bucket_name = "no-cors-bucket"
}

output "no_policy_rules" {
  value = data.r2_bucket_cors.no_policy.rules # []
}

# Origins that any rule allows to write.
output "example_write_origins" {
  value = distinct(flatten([
    for rule in data.r2_bucket_cors.example.rules : rule.allowed.origins
    if length(setintersection(rule.allowed.methods, ["PUT", "POST", "DELETE"])) > 0
  ]))
}
