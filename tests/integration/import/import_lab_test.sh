#!/usr/bin/env bash
# One imported template on real namespaces: `netsim import --probes --expect auto` (the report
# printed), `up` under a unique lab name, `check` (every expectation must pass: prediction,
# real probe and captures), `down` (also when something failed).
#   import_lab_test.sh NETSIM TEMPLATE [import options...]
# Exits 77 (skipped) without root, or when TEMPLATE does not exist (the ../shared/iac fixtures
# live beside the repository, not in it).
set -u
netsim="${1:?usage: import_lab_test.sh NETSIM TEMPLATE [options]}"
template="${2:?usage: import_lab_test.sh NETSIM TEMPLATE [options]}"
shift 2
if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
if [ ! -f "$template" ]; then echo "skipped: $template not found"; exit 77; fi
tmp="$(mktemp -d)"
lab="imp$$"
lab="${lab:0:12}"
cleanup() { "$netsim" down "$lab" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
set -e
"$netsim" import "$template" --probes --expect auto --report -o "$tmp/topology.yaml" "$@"
# A fixture whose timers (flow log intervals) the test cannot wait for in AWS's time.
if [ -n "${NETSIM_IMPORT_TIME_FACTOR:-}" ]; then
  sed -i "s/^region: .*/&\ntime_factor: $NETSIM_IMPORT_TIME_FACTOR/" "$tmp/topology.yaml"
fi
"$netsim" validate "$tmp/topology.yaml"
start=$(date +%s)
"$netsim" up "$tmp/topology.yaml" --lab "$lab" --quiet
echo "up in $(( $(date +%s) - start )) s"
"$netsim" check "$lab"
echo "import_lab_test: $(basename "$template"): all expectations passed"
# An imported IPv6 block (docs/import.md "IPv6"): the first probe of a subnet that assigns IPv6
# addresses has a global address of its /64 and reaches the internet host over IPv6
# (`ping -6`; out through the internet gateway or the egress-only one, whichever ::/0 names).
if grep -q 'assign_ipv6_address_on_creation: true' "$tmp/topology.yaml"; then
  subnet=$(grep -m1 'assign_ipv6_address_on_creation: true' "$tmp/topology.yaml" |
           sed -E 's/.*\{name: ([^,]+),.*/\1/')
  probe="probe-$subnet"
  prefix=$(grep -m1 "{name: $subnet," "$tmp/topology.yaml" | sed -E 's/.*ipv6_cidr: "([0-9a-f:]+)::\/64".*/\1/')
  addr=$("$netsim" exec "$lab" "$probe" -- ip -6 -o addr show scope global | awk '{print $4}' | head -1)
  echo "$probe (subnet $subnet, $prefix::/64): IPv6 address ${addr:-none}"
  case "$addr" in "$prefix":*) ;; *) echo "FAIL: $probe has no address in $prefix::/64"; exit 1;; esac
  "$netsim" exec "$lab" "$probe" -- ping -6 -c 2 -i 0.2 -W 2 2001:db8:f000::10
  echo "import_lab_test: $(basename "$template"): ping -6 from $probe to the internet host passed"
fi
# Imported flow logs (docs/import.md "Flow logs"): the probes `check` sent are records of the
# source's format on the public probe's interface.
if grep -q '^flow_logs:' "$tmp/topology.yaml"; then
  records=""
  for _ in $(seq 50); do
    records=$("$netsim" flows "$lab" --node probe-public --action ACCEPT)
    echo "$records" | grep -q '^[0-9]' && break
    sleep 0.2
  done
  echo "$records" | head -4
  echo "$records" | grep -q '^# version interface-id .* ecs-cluster-name reject-reason$' ||
    { echo "FAIL: the imported log_format is not the records' format"; exit 1; }
  echo "$records" | grep -qE '^8 eni-[0-9a-f]{17} 10\.50\.1\.254 .* ACCEPT OK egress - -$' ||
    { echo "FAIL: no version 8 ACCEPT record of probe-public"; exit 1; }
  echo "import_lab_test: $(basename "$template"): the imported flow log wrote records"
fi
