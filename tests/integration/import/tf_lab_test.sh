#!/usr/bin/env bash
# One Terraform state or plan (or a directory of AWS CLI outputs) on real namespaces: `netsim import --probes --expect auto --report`
# (the report printed), the fixture's README facts (FACTS, extra `expect:` entries) appended,
# `validate`, `up` under a unique lab name, `check` (every expectation must pass), `down` (also
# when something failed).
#   tf_lab_test.sh NETSIM SOURCE FACTS
# Exits 77 (skipped) without root, or when SOURCE does not exist (the ../shared/iac fixtures live
# beside the repository, not in it).
set -u
netsim="${1:?usage: tf_lab_test.sh NETSIM SOURCE FACTS}"
source_file="${2:?usage: tf_lab_test.sh NETSIM SOURCE FACTS}"
facts="${3:?usage: tf_lab_test.sh NETSIM SOURCE FACTS}"
if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
if [ ! -e "$source_file" ]; then echo "skipped: $source_file not found"; exit 77; fi
tmp="$(mktemp -d)"
lab="tf$$"
lab="${lab:0:12}"
cleanup() { "$netsim" down "$lab" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
set -e
"$netsim" import "$source_file" --probes --expect auto --report -o "$tmp/topology.yaml"
# The expect: section is the last one the importer writes.
grep -q '^expect:' "$tmp/topology.yaml" || printf '\nexpect:\n' >>"$tmp/topology.yaml"
cat "$facts" >>"$tmp/topology.yaml"
echo "--- expectations:"
sed -n '/^expect:/,$p' "$tmp/topology.yaml"
"$netsim" validate "$tmp/topology.yaml"
"$netsim" up "$tmp/topology.yaml" --lab "$lab" --quiet
"$netsim" check "$lab"
echo "tf_lab_test: $(basename "$source_file"): all expectations passed"
