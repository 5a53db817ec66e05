#!/usr/bin/env bash
# Provisions a Debian 12 machine with netsim along the README's set-up path: install the Debian
# packages (scripts/install-deps), build (scripts/build), install (cmake --install), then bring
# up a lab of the built-in default topology with the installed netsim and check it.
# Vagrant runs it inside the VM (vagrant/Vagrantfile); CI runs it on the machine itself.
#
#   [NETSIM_SRC=DIR] vagrant/provision.sh [options]
#     --build-dir DIR   build directory      (default: /var/tmp/netsim-build, outside the share)
#     --prefix DIR      install prefix       (default: /usr/local, so `sudo netsim` finds it)
#     --lab NAME        lab name             (default: default)
#     --no-up           stop after installing
#     --up-only         only (re)create the lab and check it, with the installed netsim
#     --down            take the lab down again after checking it (CI)
# NETSIM_SRC is the source tree (default: this script's repository; /netsim in the VM).
# Exit code: 0 ok, 1 a check failed, 2 bad arguments, other: the failing step's code.
set -euo pipefail
src="${NETSIM_SRC:-$(cd "$(dirname "$0")/.." && pwd)}"
build=/var/tmp/netsim-build
prefix=/usr/local
lab=default
up=1
build_steps=1
down=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$2"; shift ;;
    --prefix) prefix="$2"; shift ;;
    --lab) lab="$2"; shift ;;
    --no-up) up=0 ;;
    --up-only) build_steps=0 ;;
    --down) down=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "provision: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ ! -x "$src/scripts/build" ]; then
  echo "provision: no netsim source tree at $src (set NETSIM_SRC)" >&2
  exit 2
fi
step() { echo; echo "== provision: $*"; }

netsim="$prefix/bin/netsim"
if [ "$build_steps" -eq 1 ]; then
  step "dependencies, then build in $build (scripts/build)"
  "$src/scripts/build" "$build" RelWithDebInfo
  step "install into $prefix (cmake --install)"
  cmake --install "$build" --prefix "$prefix"
  "$netsim" --version
fi

if [ "$up" -eq 0 ]; then
  step "installed; not bringing a lab up (--no-up)"
  "$netsim" validate >/dev/null && echo "netsim validate: the built-in default topology is valid"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "provision: bringing a lab up needs root (network namespaces)" >&2
  exit 2
fi

step "lab $lab: the built-in default topology (netsim up)"
"$netsim" down "$lab" >/dev/null
"$netsim" up --lab "$lab" --quiet
step "lab $lab: every expectation, predicted and probed (netsim check)"
rc=0
"$netsim" check "$lab" || rc=$?
if [ "$down" -eq 1 ]; then
  "$netsim" down "$lab"
else
  echo
  echo "The lab '$lab' is up. Try: sudo netsim check $lab; sudo netsim shell $lab bastion"
fi
exit "$rc"
