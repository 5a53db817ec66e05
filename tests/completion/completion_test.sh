#!/usr/bin/env bash
# Tests the bash completion of netsim the way bash drives it: sources the completion script,
# checks `complete -p netsim`, then sets COMP_WORDS/COMP_CWORD for a command line and calls
# the completion function, comparing COMPREPLY with what is expected.
#   completion_test.sh COMPLETION_SCRIPT NETSIM_BINARY
# Labs and nodes come from a fake `ip netns list` and a temporary NETSIM_RUN_DIR, so the test
# needs no root and no running lab. Prints "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
script="${1:?usage: completion_test.sh COMPLETION_SCRIPT NETSIM_BINARY}"
netsim="${2:?usage: completion_test.sh COMPLETION_SCRIPT NETSIM_BINARY}"
script="$(cd "$(dirname "$script")" && pwd)/$(basename "$script")"
netsim="$(cd "$(dirname "$netsim")" && pwd)/$(basename "$netsim")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export NETSIM_RUN_DIR="$tmp/run"
mkdir -p "$NETSIM_RUN_DIR/lab1" "$NETSIM_RUN_DIR/lab2"
mkdir -p "$tmp/cwd/sub"
touch "$tmp/cwd/one.yaml" "$tmp/cwd/two.yml" "$tmp/cwd/notes.txt"

# Fake iproute2: lab1 has nodes app-a and bastion plus its bridge namespace; lab3 exists only
# as namespaces (state directory gone); other namespaces are not netsim's.
ip() {
  if [[ "$*" == "netns list" ]]; then
    printf '%s\n' "nsim.lab1.app-a (id: 3)" "nsim.lab1.bastion" "nsim.lab1._fabric" \
      "nsim.lab3.nat-a" "nsim.lab10.web-1" "other-ns" "nsim"
  fi
}

# shellcheck source=/dev/null
source "$script"

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# complete_words WORD... : the last word is the one being completed; prints COMPREPLY sorted.
complete_words() {
  COMP_WORDS=("$netsim" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _netsim "$netsim" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect "WORDS" "EXPECTED" : exact list (space separated, sorted).
expect() {
  local got
  read -r -a words <<<"$1"
  [[ "$1" == *" " ]] && words+=("")
  got="$(complete_words "${words[@]}")"
  if [[ "$got" == "$2" ]]; then ok; else fail "netsim $1<TAB>: got [$got], want [$2]"; fi
}

# expect_has "WORDS" WORD... : the completions include each WORD.
expect_has() {
  local line="$1" got w
  shift
  read -r -a words <<<"$line"
  [[ "$line" == *" " ]] && words+=("")
  got=" $(complete_words "${words[@]}") "
  for w in "$@"; do
    if [[ "$got" == *" $w "* ]]; then ok; else fail "netsim $line<TAB>: [$got] lacks $w"; fi
  done
}

# expect_lacks "WORDS" WORD... : the completions do not include any WORD.
expect_lacks() {
  local line="$1" got w
  shift
  read -r -a words <<<"$line"
  [[ "$line" == *" " ]] && words+=("")
  got=" $(complete_words "${words[@]}") "
  for w in "$@"; do
    if [[ "$got" != *" $w "* ]]; then ok; else fail "netsim $line<TAB>: [$got] has $w"; fi
  done
}

# Registration.
if complete -p netsim 2>/dev/null | grep -q -- '-F _netsim netsim'; then ok; else
  fail "complete -p netsim: $(complete -p netsim 2>&1)"; fi

# Verbs, from `netsim --help`; hidden verbs are not offered.
expect_has " " validate path plan graph up down status check trace capture exec shell stats
expect_lacks " " responder appliance
expect "st" "stats status"
expect "-v ch" "check"
expect "--v" "--verbose --version"

# Options of each verb, from its --help.
expect_has "check --" --file --predict-only --json --junit --pcap --help
expect "up --" "--help --lab --param --quiet"
expect "capture lab1 app-a --w" "--write"
expect "validate --j" "--json"

# Lab names: state directories and nsim.<lab>.* namespaces.
expect "down " "lab1 lab10 lab2 lab3"
expect "down lab1 lab" "lab1 lab10 lab2 lab3"
expect "status l" "lab1 lab10 lab2 lab3"
expect "check lab1 " ""
expect "exec lab1" "lab1 lab10"

# Node names of a lab: nsim.<lab>.<node> without _fabric; lab10's nodes are not lab1's.
expect "exec lab1 " "app-a bastion"
expect "shell lab1 b" "bastion"
expect "stats lab3 " "nat-a"
expect "capture lab10 " "web-1"
expect "trace lab1 app-a " "app-a bastion"
expect "exec lab1 app-a " "--"
expect_has "exec lab1 app-a -- ba" bash
expect "-v shell lab1 " "app-a bastion"

# Option values.
expect "trace lab1 app-a bastion --proto " "icmp tcp udp"
expect "check --lab l" "lab1 lab10 lab2 lab3"
expect "check --file one.yaml " "lab1 lab10 lab2 lab3"

# Topology files for FILE arguments: *.yaml, *.yml and directories.
cd "$tmp/cwd" || exit 1
expect "validate " "one.yaml sub two.yml"
expect "up o" "one.yaml"
expect "graph one.yaml " ""
expect "check --file t" "two.yml"
expect "plan --lab x " "one.yaml sub two.yml"
cd - >/dev/null || exit 1

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
