# Sourced by scripts/tiller, scripts/run and scripts/jshell (after jdk-env.sh): builds the project on
# first use, and again whenever a source file is newer than the packaged CLI, whose lib/ folder then
# holds every jar Tiller needs (API modules, native library, dependencies).
TILLER_JAR="$TILLER_ROOT/java/cli/target/tiller-cli.jar"
TILLER_LIB="$TILLER_ROOT/java/cli/target/lib"
_tiller_stale() {
    [[ ! -f "$TILLER_JAR" ]] && return 0
    [[ -n "$(find "$TILLER_ROOT/native/src" "$TILLER_ROOT/native/include" "$TILLER_ROOT/native/CMakeLists.txt" \
        "$TILLER_ROOT/bindings/src" "$TILLER_ROOT"/java/*/src/main "$TILLER_ROOT"/java/*/pom.xml "$TILLER_ROOT/pom.xml" \
        -newer "$TILLER_JAR" -print -quit 2>/dev/null)" ]]
}
if _tiller_stale; then
    echo "tiller: building (mvn package -DskipTests; about a minute the first time)..." >&2
    _tiller_log="$(mktemp -t tiller-build.XXXXXX.log)"
    if ! (cd "$TILLER_ROOT" && mvn -q -B package -DskipTests > "$_tiller_log" 2>&1); then
        tail -40 "$_tiller_log" >&2
        echo "tiller: the build failed (whole log: $_tiller_log)" >&2
        exit 1
    fi
    rm -f "$_tiller_log"
    touch "$TILLER_JAR"
fi
# Command-line text reaches Java decoded with the locale's charset: make it UTF-8.
if [[ "$(locale charmap 2>/dev/null)" != "UTF-8" ]]; then export LC_ALL=C.UTF-8; fi
