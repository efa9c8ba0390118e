#!/usr/bin/env bash
# Fails if a guest libc archive executes `syscall` or addresses through %fs.
set -euo pipefail
for archive in "$@"; do
  disassembly="$(objdump -d "${archive}")"
  functions="$(grep -c '>:$' <<<"${disassembly}" || true)"
  if ((functions < 100)); then
    echo "FAIL: ${archive} holds only ${functions} functions" >&2
    exit 1
  fi
  bad="$(grep -E '\ssyscall\b|%fs:' <<<"${disassembly}" || true)"
  if [[ -n "${bad}" ]]; then
    echo "FAIL: ${archive} uses syscall or %fs:" >&2
    head -20 <<<"${bad}" >&2
    exit 1
  fi
  echo "ok: ${archive}: ${functions} functions, no syscall, no %fs"
done
