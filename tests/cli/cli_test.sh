#!/usr/bin/env bash
# CLI checks from the built binary (no root): every verb answers --help with an example and exit
# code 0; every shipped topology validates and its expectations hold in `check --predict-only`;
# `path` exits 0 when reachable and 1 when blocked; bad input exits 2.
set -u
netsim="$1"
topologies="$2"
fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

verbs=$("$netsim" --help | awk '/^Verbs:/{f=1; next} f && /^  [a-z]/{print $1} /^$/{if(f) exit}')
[ -n "$verbs" ] || bad "netsim --help lists no verbs"
for v in $verbs; do
  out=$("$netsim" "$v" --help 2>&1); rc=$?
  [ "$rc" -eq 0 ] || bad "netsim $v --help exits $rc"
  grep -q '^usage: netsim' <<<"$out" || bad "netsim $v --help has no usage line"
  grep -q '^Example' <<<"$out" || bad "netsim $v --help has no example"
  ok
done

for f in "$topologies"/*.yaml; do
  "$netsim" validate "$f" >/dev/null 2>&1 || bad "validate $f"
  out=$("$netsim" check --predict-only --file "$f" 2>&1) || bad "check --predict-only $f: $out"
  ok
done

"$netsim" path app-a client --proto tcp --port 80 >/dev/null; [ $? -eq 0 ] || bad "path reachable should exit 0"
"$netsim" path client app-a --proto tcp --port 22 >/dev/null; [ $? -eq 1 ] || bad "path blocked should exit 1"
"$netsim" path nosuch client >/dev/null 2>&1; [ $? -eq 2 ] || bad "path with unknown node should exit 2"
# IPv6 (topologies/dual-stack.yaml): -6 follows the IPv6 routes; an egress-only gateway keeps the
# internet out; an instance without an IPv6 address is bad input.
ds="$topologies/dual-stack.yaml"
out=$("$netsim" path "$ds" app server -6 --proto tcp --port 443); [ $? -eq 0 ] || bad "path -6 app server should exit 0"
grep -q 'source 2001:db8:1000:1::4' <<<"$out" || bad "path -6 app server: $out"
out=$("$netsim" path "$ds" client app -6); [ $? -eq 1 ] || bad "path -6 client app should exit 1"
grep -q 'EGRESS_ONLY_INBOUND at eigw' <<<"$out" || bad "path -6 client app: $out"
"$netsim" path "$ds" legacy server -6 >/dev/null 2>&1; [ $? -eq 2 ] || bad "path -6 from legacy should exit 2"
# A dualstack ALB: over IPv6 to its first node, on to its IPv4 target.
out=$("$netsim" path "$ds" client web-alb -6 --proto tcp --port 80); [ $? -eq 0 ] || bad "path -6 client web-alb should exit 0"
grep -q 'web-alb-1' <<<"$out" && grep -q 'web' <<<"$out" && grep -q '2001:db8:1000::5' <<<"$out" || bad "path -6 client web-alb: $out"
"$netsim" validate /nonexistent.yaml >/dev/null 2>&1; [ $? -eq 2 ] || bad "validate missing file should exit 2"
# A template imported on the fly takes --param (issue #20): with EnvType=prod the private subnet of
# AZ c leaves through its own AZ's NAT gateway, with the default (dev) through AZ a's.
twelve="$topologies/../tests/integration/import/templates/twelve-subnets-4az.yaml"
out=$("$netsim" path "$twelve" probe-private-c internet-host --proto tcp --param EnvType=prod 2>/dev/null)
[ $? -eq 0 ] && grep -q 'nat-c' <<<"$out" || bad "path --param EnvType=prod: $out"
out=$("$netsim" path "$twelve" probe-private-c internet-host --proto tcp 2>/dev/null)
[ $? -eq 0 ] && grep -q 'nat-a' <<<"$out" && ! grep -q 'nat-c' <<<"$out" || bad "path with the default EnvType: $out"
"$netsim" validate "$twelve" --param EnvType=staging >/dev/null 2>&1; [ $? -eq 2 ] || bad "--param outside AllowedValues should exit 2"
"$netsim" validate "$topologies/default.yaml" --param EnvType=prod >/dev/null 2>&1; [ $? -eq 2 ] || bad "--param with a netsim topology should exit 2"
"$netsim" plan "$twelve" --param EnvType >/dev/null 2>&1; [ $? -eq 2 ] || bad "--param without = should exit 2"
out=$("$netsim" check --predict-only --file "$twelve" --param EnvType=prod 2>&1) || bad "check --predict-only --param: $out"
"$netsim" no-such-verb >/dev/null 2>&1; [ $? -eq 2 ] || bad "unknown verb should exit 2"
"$netsim" validate --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["valid"]' || bad "validate --json"
"$netsim" plan --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["namespaces"]) > 10' || bad "plan --json"
"$netsim" graph | grep -q '^digraph' || bad "graph prints DOT"
ok

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
