#!/usr/bin/env bash
# Installs vcc under PREFIX: bin/vcc, include/virtine.h, lib/libwasp_vcc.a
# with its -lwasp_vcc linker script, and lib/wasp/vcc/ (the pass plugin, the
# guest runtime and its linker script). Run from the repository root (or a
# test's runfiles) with BIN, where Bazel put the built files (or ".").
#   tools/install/install_vcc.sh PREFIX BIN
set -euo pipefail
prefix="${1:?usage: install_vcc.sh PREFIX BIN}"
bin="${2:?usage: install_vcc.sh PREFIX BIN}"
install -D -m 0755 tools/vcc/vcc "${prefix}/bin/vcc"
install -D -m 0644 tools/vcc/include/virtine.h "${prefix}/include/virtine.h"
install -D -m 0644 "${bin}/tools/install/libwasp_vcc.a" \
  "${prefix}/lib/libwasp_vcc.a"
install -D -m 0644 "${bin}/tools/install/lib/libwasp_vcc.so" \
  "${prefix}/lib/libwasp_vcc.so"
install -D -m 0755 "${bin}/tools/vcc/pass/vcc_pass.so" \
  "${prefix}/lib/wasp/vcc/vcc_pass.so"
install -D -m 0644 "${bin}/guest/vcc/libvcc_guest.a" \
  "${prefix}/lib/wasp/vcc/libvcc_guest.a"
install -D -m 0644 bazel/guest.ld "${prefix}/lib/wasp/vcc/guest.ld"
