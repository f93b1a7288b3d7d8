#!/usr/bin/env bash
# Packs the subproc tool into DIR (default: artifacts), for `dotnet tool install --add-source DIR subproc`:
# the top package that names the platform packages, Linux x64 compiled ahead of time (needs a C
# compiler: gcc or clang), and the framework-dependent package every other platform installs.
set -euo pipefail
out=$(realpath -m "${1:-artifacts}")
cd "$(dirname "$0")"
for rid in "" linux-x64 any; do
  dotnet pack -c Release -v q --nologo -o "$out" ${rid:+-r "$rid"} >/dev/null
done
echo "packed subproc into $out"
