#!/usr/bin/env bash
# The upstream README's embedding examples (direct and cached), copied
# verbatim, built the way its README says (nasm, then g++ host.cpp -lwasp)
# against what `tools/wasp install` installs, and run: each must print
# nothing and exit 0.
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/include/wasp" "${work}/lib"
cp tools/install/include/wasp/*.h "${work}/include/wasp/"
cp engine/libwasp.a tools/install/lib/libwasp.so "${work}/lib/"
cp tests/upstream/host.cpp tests/upstream/cached_host.cpp \
  tests/upstream/virtine.asm "${work}/"
cd "${work}"
nasm -fbin virtine.asm -o virtine.bin
# The install prefix stands in for /usr/local, which g++ searches by itself.
for example in host cached_host; do
  g++ ${WASP_SANITIZE:+-fsanitize="${WASP_SANITIZE}"} -isystem include \
    "${example}.cpp" -Llib -lwasp -o "${example}"
  output="$(timeout 60 "./${example}" 2>&1)" || {
    echo "${example} exited with status $?: ${output}" >&2
    exit 1
  }
  if [[ -n "${output}" ]]; then
    echo "${example} printed something; upstream prints nothing: ${output}" >&2
    exit 1
  fi
  echo "upstream ${example}.cpp: built and ran"
done
