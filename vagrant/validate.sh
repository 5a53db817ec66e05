#!/usr/bin/env bash
# ctest `vagrant_validate`: runs `vagrant validate` on vagrant/Vagrantfile when the vagrant
# command is installed; exits 77 (ctest SKIP_RETURN_CODE) when it is not. Writes nothing into
# the source tree: Vagrant's home and the project's .vagrant directory go to a temporary dir.
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
if ! command -v vagrant >/dev/null 2>&1; then
  echo "vagrant_validate: vagrant is not installed; skipped"
  exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export VAGRANT_CWD="$dir" VAGRANT_DOTFILE_PATH="$tmp/dot" VAGRANT_HOME="${VAGRANT_HOME:-$tmp/home}"
export VAGRANT_CHECKPOINT_DISABLE=1
# With a usable provider, its block is validated too; without one (as in CI), `vagrant validate`
# would only say that no provider is available, so the provider blocks are left out.
if command -v VBoxManage >/dev/null 2>&1 || vagrant plugin list 2>/dev/null | grep -q vagrant-libvirt; then
  vagrant validate
else
  vagrant validate --ignore-provider
fi
