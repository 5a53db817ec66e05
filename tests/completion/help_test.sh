#!/usr/bin/env bash
# Every visible verb of `netsim --help` has a --help that exits 0 and shows usage, options and
# an example; `netsim --version` prints the version; exit codes are documented in --help.
#   help_test.sh NETSIM_BINARY
set -uo pipefail
netsim="${1:?usage: help_test.sh NETSIM_BINARY}"
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

top="$("$netsim" --help)"
check "netsim --help exits 0" test $? -eq 0
check "netsim --help documents exit codes" grep -q "Exit codes: 0 ok; 1 .*; 2 bad input" <<<"$top"
check "netsim --version" grep -Eq '^netsim [0-9]+\.[0-9]+\.[0-9]+' <<<"$("$netsim" --version)"
"$netsim" no-such-verb >/dev/null 2>&1
check "an unknown verb exits 2" test $? -eq 2

verbs=$(awk '/^Verbs:/ {on = 1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}' <<<"$top")
check "netsim --help lists verbs" test -n "$verbs"
for v in $verbs; do
  out="$("$netsim" "$v" --help)"
  check "netsim $v --help exits 0" test $? -eq 0
  check "netsim $v --help has a usage line" grep -q "^usage: netsim $v" <<<"$out"
  check "netsim $v --help has options" grep -q "^Options:" <<<"$out"
  example="$(sed -n '/^Example:/,$p' <<<"$out" | sed 1d | grep -m1 'netsim')"
  check "netsim $v --help has an example using netsim $v" grep -q "netsim $v" <<<"$example"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
