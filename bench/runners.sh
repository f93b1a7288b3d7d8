# Sourced by the job-runner benchmarks (jobs.sh, packing.sh): GNU parallel installed where missing, and
# $SUBPROC, the tool as the README installs it (compiled ahead of time for linux-x64) unless given,
# in $tools, a directory removed at exit; $quick, 1 when the script was given --quick (a smoke pass,
# which goes on without GNU parallel).
quick=0; [[ " $* " == *" --quick "* ]] && quick=1
if ! command -v parallel >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq parallel >/dev/null 2>&1) || {
    echo "GNU parallel could not be installed" >&2
    ((quick)) || exit 1
  }
fi
tools=$(mktemp -d); trap 'rm -rf "$tools"' EXIT
if [[ -z "${SUBPROC:-}" ]]; then
  src/Subprocess.Cli/pack.sh "$tools/pkg" >/dev/null
  dotnet tool install --tool-path "$tools/bin" --prerelease --configfile "$tools/pkg/nuget.config" subproc >/dev/null
  SUBPROC="$tools/bin/subproc"
fi
