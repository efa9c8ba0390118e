#!/usr/bin/env bash
# Runs a command (Bazel's --run_under: the test and its arguments) inside a
# QEMU VM whose emulated AMD CPU gives its kernel a real /dev/kvm (nested SVM),
# for machines without KVM. The VM sees the host's files over 9p, so the
# test runs in its own directory with its environment and file limits; its
# output goes to the VM's console, which is this script's stdout.
set -euo pipefail
readonly vm="${WASP_TEST_VM:?set WASP_TEST_VM to a directory made by tests/vm/make_image.sh}"
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/vm.XXXXXX")"
{
  export -p
  echo "ulimit -Hn $(ulimit -Hn); ulimit -Sn $(ulimit -Sn)"
  printf 'cd %q || exit 1\n' "${PWD}"
  printf '%q ' "$@"
  printf '\necho $? >%q\n' "${work}/status"
} >"${work}/run.sh"
# One host thread runs both vCPUs: multi-threaded TCG loses nested guests.
qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 2 -m 6G \
  -nodefaults -display none -monitor none -serial stdio -no-reboot \
  -kernel "${vm}/vmlinuz" -initrd "${vm}/initrd.gz" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap \
  -append "console=ttyS0 quiet loglevel=1 panic=-1 wasp_script=${work}/run.sh" \
  </dev/null
if [[ ! -s "${work}/status" ]]; then
  echo "run_in_vm.sh: the VM stopped before the command finished" >&2
  exit 1
fi
exit "$(cat "${work}/status")"
