#!/usr/bin/env bash
# Writes the C# sources (and project, solution and .editorconfig files) of each repository in repos.tsv, at its
# recorded commit, into <checkouts>/<owner>+<name>/, from git directories that hold that commit (by default the
# fetch tool's mirrors, /work/.mirror/<owner>+<name>/repo). Only text sources are taken: no data, weights or binaries.
# Nothing is built. Usage: tools/realcode/extract.sh <checkouts-folder> [mirror-root]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: extract.sh <checkouts-folder> [mirror-root]}
mirrors=${2:-/work/.mirror}
mkdir -p "$out"
grep -v '^#' "$here/repos.tsv" | while IFS=$'\t' read -r repo commit sub desc; do
    key=${repo/\//+}
    git_dir="$mirrors/$key/repo"
    if ! git --git-dir="$git_dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
        echo "extract: $repo: commit $commit not in $git_dir (fetch it first)" >&2
        continue
    fi
    dest="$out/$key"
    rm -rf "$dest"; mkdir -p "$dest"
    git --git-dir="$git_dir" ls-tree -r -z "$commit" | while IFS= read -r -d '' entry; do
        path=${entry#*$'\t'}; meta=${entry%%$'\t'*}; object=${meta##* }; kind=$(echo "$meta" | cut -d' ' -f2)
        [ "$kind" = blob ] || continue
        case "$path" in
            *.cs|*.csproj|*.sln|*.slnx|*.props|*.targets|.editorconfig|*/.editorconfig) ;;
            *) continue ;;
        esac
        mkdir -p "$dest/$(dirname "$path")"
        git --git-dir="$git_dir" cat-file blob "$object" > "$dest/$path" 2>/dev/null || { echo "extract: $repo: $path is not stored" >&2; rm -f "$dest/$path"; }
    done
    echo "extract: $repo at ${commit:0:12}: $(find "$dest" -name '*.cs' | wc -l) .cs files"
done
