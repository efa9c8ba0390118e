#!/usr/bin/env bash
# Installs the app SDK under PREFIX, from the repository root (or a test's
# runfiles): bin/wasp-app-cc, include/wasp/app.h, and share/wasp/sdk/ with
# the guest runtime, the ABI, the app mains and the linker script at their
# paths in this repository, which wasp-app-cc compiles from.
#   tools/install/install_sdk.sh PREFIX
set -euo pipefail
prefix="${1:?usage: install_sdk.sh PREFIX}"
readonly SDK_FILES=(bazel/guest.ld guest/abi/hypercall.h guest/apps/app.h
  guest/apps/app_main.c guest/apps/request_main.c guest/runtime/*.c
  guest/runtime/*.h)
install -D -m 0755 tools/install/wasp-app-cc "${prefix}/bin/wasp-app-cc"
install -D -m 0644 tools/install/app.h "${prefix}/include/wasp/app.h"
for file in "${SDK_FILES[@]}"; do
  [[ "${file}" == *_selftest.c ]] && continue  # a test program, not runtime
  install -D -m 0644 "${file}" "${prefix}/share/wasp/sdk/${file}"
done
