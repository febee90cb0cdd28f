#!/usr/bin/env bash
# Prints the home of a JDK >= 22 (Tiller needs the FFM API): $JAVA_HOME first, then the usual
# install locations. Exits 1 with a message when there is none.
set -euo pipefail

version_of() {  # major version of the JDK at $1, or 0
    local v
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
    echo "${v:-0}"
}

candidates=()
[[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [[ -d "$d" ]] && candidates+=("$d")
done
if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi

best="" best_v=0
for c in "${candidates[@]}"; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v=$(version_of "$c")
    if [[ "$v" =~ ^[0-9]+$ ]] && (( v >= 22 && v > best_v )); then best="$c" best_v=$v; fi
    # Prefer JAVA_HOME when it qualifies.
    if [[ -n "$best" && "$c" == "${JAVA_HOME:-}" ]]; then break; fi
done
if [[ -z "$best" ]]; then
    echo "tiller: no JDK 22 or newer found (checked JAVA_HOME and /usr/lib/jvm). Install one, or set JAVA_HOME." >&2
    exit 1
fi
echo "$best"
