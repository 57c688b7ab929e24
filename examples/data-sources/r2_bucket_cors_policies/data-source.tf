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

# Buckets with a literal "*" origin entry. This is a string match: patterns
# such as "https://*" also let any site in; provider::r2::cors_findings
# (Terraform 1.8+) decides that by evaluation, as examples/drift-review does.
output "buckets_with_a_star_origin" {
  value = [
    for b in data.r2_bucket_cors_policies.all.buckets : "${b.jurisdiction}/${b.name}"
    if contains(flatten([for rule in b.rules : rule.allowed.origins]), "*")
  ]
}

# Jurisdictions the account may not use (FedRAMP is by contract), skipped with a warning.
output "skipped_jurisdictions" {
  value = data.r2_bucket_cors_policies.all.skipped_jurisdictions
}
