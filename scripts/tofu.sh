#!/usr/bin/env bash
# Prints the path of an OpenTofu CLI, building it from the Go module proxy the
# first time (about 3 minutes) and caching the binary outside the repository.
# `go install` refuses the module because of its replace directives, so it is
# built inside its own module directory. Nothing is downloaded but Go modules.
set -euo pipefail

version=${TOFU_VERSION:-v1.12.6}
cache=${R2_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-r2}
bin="$cache/tofu-$version/tofu"

if [ ! -x "$bin" ]; then
  echo "building OpenTofu $version into $bin (first run only)" >&2
  dir=$(go mod download -json "github.com/opentofu/opentofu@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "could not download github.com/opentofu/opentofu@$version from the Go module proxy" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" ./cmd/tofu)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
