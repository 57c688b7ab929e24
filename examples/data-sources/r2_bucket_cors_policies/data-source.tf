# Every bucket of the account, in all four jurisdictions, with its CORS policy:
# one data source and one read, however many buckets there are.
data "r2_bucket_cors_policies" "all" {
  account_id = "023e105f4ecef8ad9ca31a8372d0c353"
}

# Only the EU and US buckets whose name contains "assets".
data "r2_bucket_cors_policies" "assets" {
  account_id    = "023e105f4ecef8ad9ca31a8372d0c353"
  jurisdictions = ["eu", "us"]
  name_contains = "assets"
}

# Buckets without a CORS policy, as "jurisdiction/name".
output "buckets_without_cors" {
  value = [for b in data.r2_bucket_cors_policies.all.buckets : "${b.jurisdiction}/${b.name}" if !b.has_policy]
}

# Buckets that let any origin in.
output "buckets_open_to_any_origin" {
  value = [
    for b in data.r2_bucket_cors_policies.all.buckets : "${b.jurisdiction}/${b.name}"
    if contains(flatten([for rule in b.rules : rule.allowed.origins]), "*")
  ]
}

# Jurisdictions the account may not use (FedRAMP is by contract), skipped with a warning.
output "skipped_jurisdictions" {
  value = data.r2_bucket_cors_policies.all.skipped_jurisdictions
}
