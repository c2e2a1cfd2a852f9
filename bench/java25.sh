# Sourced by the bench scripts after their `cd` to the repository: puts a JDK 25 first on PATH (and in JAVA_HOME),
# found as .ci/run and ./cva find it: JAVA_HOME if it is 25 or newer, else one under /usr/lib/jvm. The jars are
# built for release 25, so a JDK 17 on PATH cannot run them.
_jdk_major() {
  local v=""
  [ -f "$1/release" ] && v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  echo "$v"
}
_jdk25=""
for _home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -n "$_home" ] && [ -x "$_home/bin/java" ] || continue
  _major="$(_jdk_major "$_home")"
  if [ -n "$_major" ] && [ "$_major" -ge 25 ]; then _jdk25="$_home"; break; fi
done
if [ -z "$_jdk25" ]; then
  echo "bench: no JDK 25 found (JAVA_HOME, /usr/lib/jvm): see README.md, 'Requirements'" >&2
  exit 1
fi
export JAVA_HOME="$_jdk25" PATH="$_jdk25/bin:$PATH"
unset _home _major _jdk25
