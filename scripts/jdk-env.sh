# Sourced by the scripts: exports JAVA_HOME (a JDK >= 22) and quiets Maven's own warnings on new JDKs.
TILLER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$TILLER_ROOT/scripts/find-jdk.sh")"
export JAVA_HOME
_tiller_jdk_major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
# Maven 3.8's bundled Guava uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
TILLER_UNSAFE_FLAG=""
if [[ "${_tiller_jdk_major:-0}" -ge 24 ]]; then
    TILLER_UNSAFE_FLAG="--sun-misc-unsafe-memory-access=allow"
    export MAVEN_OPTS="${MAVEN_OPTS:-} $TILLER_UNSAFE_FLAG"
fi
