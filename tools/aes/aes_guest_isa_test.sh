#!/usr/bin/env bash
# The AES guest's code uses SSE up to SSSE3 and nothing newer: a virtine
# enables SSE (CR4.OSFXSR) but not AVX, so a VEX-encoded instruction would
# fault there. Catches -march flags or a perlasm path that picks AVX.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

elf="$1"
# Mnemonics of every function; vpaes's constant tables sit in .text too and
# are skipped, since their bytes decode as arbitrary instructions.
mnemonics="$(objdump -d --no-show-raw-insn "${elf}" | awk -F'\t' '
  /^[0-9a-f]+ <.*>:$/ { skip = ($0 ~ /<_vpaes_consts>:$/) }
  !skip && NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ { split($2, m, " "); print m[1] }')"
grep -qx pshufb <<<"${mnemonics}" || fail "no pshufb in ${elf}: is vpaes linked?"
avx="$(grep -E '^v' <<<"${mnemonics}" | sort -u | tr '\n' ' ' || true)"
[[ -z "${avx}" ]] || fail "AVX (VEX-encoded) instructions in the guest: ${avx}"
echo PASS
