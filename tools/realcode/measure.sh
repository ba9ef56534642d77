#!/usr/bin/env bash
# Runs NanGuard, as built from this worktree, on the public TorchSharp repositories of repos.tsv and prints the tables
# of docs/accuracy.md ("Real code"): repositories, findings per rule with the verdicts of judgements.tsv, the
# precision of Warning findings, and every finding nobody has judged yet (a rule change shows up there).
#
# Usage: tools/realcode/measure.sh <checkouts-folder> [results-folder]
#   <checkouts-folder>  holds <owner>+<name>/ for each repository (tools/realcode/extract.sh writes it); keep it
#                       outside the repository.
#   [results-folder]    where each repository's JSON report and compile report go; default <checkouts>-results.
# Folder mode (`nanguard check <folder>`) for every repository: their projects cannot be restored here (the package
# mirror is partial), and nothing of theirs is built. One repository at a time: the cores are shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
checkouts=$(cd "${1:?usage: measure.sh <checkouts-folder> [results-folder]}" && pwd)
results=${2:-$checkouts-results}
mkdir -p "$results"; results=$(cd "$results" && pwd)

echo "measure: building nanguard and RealCode (Release) at $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' with uncommitted changes in src')" >&2
dotnet build -c Release "$root/src/NanGuard.Cli" -v quiet -nologo >&2
dotnet build -c Release "$here/RealCode" -v quiet -nologo >&2
nanguard="$root/src/NanGuard.Cli/bin/Release/net10.0/nanguard.dll"
realcode="$here/RealCode/bin/Release/net10.0/RealCode.dll"

grep -v '^#' "$here/repos.tsv" | while IFS=$'\t' read -r repo commit sub desc; do
    key=${repo/\//+}
    target="$key/$sub"; target=${target%/.}
    if [ ! -d "$checkouts/$target" ]; then
        echo "measure: $repo: $checkouts/$target is missing (run extract.sh)" >&2
        rm -f "$results/$key.json" "$results/$key.compile.tsv"
        continue
    fi
    echo "measure: $repo ($target)" >&2
    # Run from the checkouts folder, so that the report's paths start with <owner>+<name>/.
    # 0 clean, 1 findings, 4 the compiler reported errors in the folder (findings may be missing there): all normal here.
    rc=0; (cd "$checkouts" && dotnet "$nanguard" check "$target" --format json --fail-on never -q -o "$results/$key.json") || rc=$?
    case $rc in 0|1|4) ;; *) echo "measure: $repo: nanguard exited $rc" >&2; exit "$rc";; esac
    dotnet "$realcode" compile "$checkouts/$target" > "$results/$key.compile.tsv"
done

dotnet "$realcode" table "$results" "$here/repos.tsv" "$here/judgements.tsv"
