#!/usr/bin/env bash
# scripts/cli.sh terraform|tofu VERSION prints the path of that CLI, building
# it from the Go module proxy the first time and caching the binary outside
# the repository (R2_TOOL_CACHE, default ~/.cache/terraform-provider-r2), as
# <name>-<version>/<name>. Nothing is downloaded but Go modules.
#
#   scripts/cli.sh terraform 1.16.4   # github.com/hashicorp/terraform, about 3 minutes cold
#   scripts/cli.sh tofu 1.12.6        # github.com/opentofu/opentofu
#
# `go install` refuses both modules because of their replace directives, so
# each is built inside a writable copy of its module directory (the module
# cache is read-only). From Terraform 1.9 on, the module's zip lacks its
# nested modules (the remote state backends under
# internal/backend/remote-state/ and internal/legacy), which go.mod replaces
# with directories that are not there; the copy drops those requirements and
# the backends' registrations in internal/backend/init/init.go. The tests
# need only the local backend.
#
# Linked as the projects' release builds are: without symbols, and with
# version.dev=no, or newer Terraform (1.8.5 and 1.16.4 here) and OpenTofu
# call themselves "1.16.4-dev"; 1.5.7 has no such flag and ignores it.
set -euo pipefail

usage() { echo "usage: $0 terraform|tofu VERSION" >&2; exit 2; }
[ $# -eq 2 ] || usage
name=$1
version=${2#v}
case $name in
  terraform) module=github.com/hashicorp/terraform; pkg=. ;;
  tofu) module=github.com/opentofu/opentofu; pkg=./cmd/tofu ;;
  *) usage ;;
esac

cache=${R2_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-r2}
bin="$cache/$name-$version/$name"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

echo "building $name $version into $bin (first run only)" >&2
dir=$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "could not download $module@v$version from the Go module proxy" >&2; exit 1; }
mkdir -p "$(dirname "$bin")"
src=$(mktemp -d "${TMPDIR:-/tmp}/$name-$version.XXXXXX")
trap 'chmod -R u+w "$src" && rm -rf "$src"' EXIT
cp -R "$dir/." "$src"
chmod -R u+w "$src"
cd "$src"

# Nested modules that go.mod replaces with a directory the zip does not hold.
go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(\.\/[^"]*\)"$/\1/p' | while read -r rel; do
  [ -d "$rel" ] && continue
  nested=$module/${rel#./}
  echo "  dropping $nested (not in the module zip)" >&2
  go mod edit -dropreplace="$nested" -droprequire="$nested"
  init=internal/backend/init/init.go
  alias=$(sed -n "s/^[[:space:]]*\([A-Za-z0-9_]*\) \"${nested//\//\\/}\"$/\1/p" "$init")
  if [ -n "$alias" ]; then
    sed -i -e "/^[[:space:]]*$alias \"/d" -e "/[^A-Za-z0-9_]$alias\./d" "$init"
  fi
done

CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$bin.tmp" "$pkg"
mv "$bin.tmp" "$bin"
echo "$bin"
