#!/usr/bin/env bash
# Packs the subproc tool into DIR (default: artifacts) on a Linux x64 machine: the top package that
# names the platform packages, Linux x64 compiled ahead of time (needs a C compiler: clang or gcc),
# and the framework-dependent package every other platform installs. DIR/nuget.config names DIR as
# the only source, so `dotnet tool install --configfile DIR/nuget.config subproc` takes this build
# and nothing from a feed. A warning fails the pack, as CI wants of a release. Until a v-tag is on the
# commit the version is a pre-release (MinVer's 0.0.0-alpha.0.N), so install with --prerelease.
set -euo pipefail
out=$(realpath -m "${1:-artifacts}")
cd "$(dirname "$0")"
for rid in "" linux-x64 any; do
  # Quiet unless it fails; MSBuild prints its errors on stdout.
  if ! log=$(dotnet pack -c Release -v q --nologo -warnaserror -o "$out" ${rid:+-r "$rid"} 2>&1); then
    printf '%s\n' "$log" >&2
    echo "pack.sh: dotnet pack ${rid:+-r $rid }failed" >&2
    exit 1
  fi
done
cat > "$out/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="subproc" value="$out" />
  </packageSources>
</configuration>
XML
echo "packed subproc into $out"
