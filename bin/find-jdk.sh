# Sourced (POSIX sh) by mvnw and bin/*: sets JAVA_HOME to a JDK >= 21 or stops with what to install.
# Order: $JAVA_HOME if it is >= 21, then the newest /usr/lib/jvm/* that is >= 21.
herd_java_major() {
  # "openjdk version "25.0.1" ..." / "java version "21" ..." -> 25 / 21; "1.8.0" -> 1
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}
herd_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(herd_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then export JAVA_HOME; return 0; fi
  fi
  best="" best_v=0
  # mvnw runs under "set -f": switch globbing on just for this loop.
  case $- in *f*) herd_noglob=1; set +f ;; *) herd_noglob=0 ;; esac
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(herd_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d best_v=$v; fi
  done
  [ "$herd_noglob" = 1 ] && set -f
  if [ -n "$best" ]; then JAVA_HOME=$best; export JAVA_HOME; return 0; fi
  echo "herd: no JDK >= 21 found (JAVA_HOME=${JAVA_HOME-unset}; looked in /usr/lib/jvm/*)." >&2
  echo "herd: install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+, or set JAVA_HOME to it." >&2
  exit 1
}
herd_find_jdk
