# List every bucket of the account in the default jurisdiction.
data "r2_buckets" "all" {
  account_id = "023e105f4ecef8ad9ca31a8372d0c353"
}

# Buckets live in one jurisdiction each: list the EU ones separately.
data "r2_buckets" "eu" {
  account_id   = "023e105f4ecef8ad9ca31a8372d0c353"
  jurisdiction = "eu"
}

# Only buckets whose name contains "assets".
data "r2_buckets" "assets" {
  account_id    = "023e105f4ecef8ad9ca31a8372d0c353"
  name_contains = "assets"
}

# Read the CORS policy of every listed bucket, passing its jurisdiction on.
data "r2_bucket_cors" "each" {
  for_each = merge(
    { for b in data.r2_buckets.all.buckets : b.name => b },
    { for b in data.r2_buckets.eu.buckets : b.name => b },
  )
  account_id   = data.r2_buckets.all.account_id
  bucket_name  = each.key
  jurisdiction = each.value.jurisdiction
}

# Buckets without a CORS policy.
output "buckets_without_cors" {
  value = sort([for name, cors in data.r2_bucket_cors.each : name if length(cors.rules) == 0])
}

# Buckets that let any origin in.
output "buckets_open_to_any_origin" {
  value = sort([
    for name, cors in data.r2_bucket_cors.each : name
    if contains(flatten([for rule in cors.rules : rule.allowed.origins]), "*")
  ])
}
