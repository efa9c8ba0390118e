#!/usr/bin/env bash
# The upstream README's embedding example, copied verbatim, built the way its
# README says (nasm, then g++ host.cpp -lwasp) against what `tools/wasp
# install` installs, and run: it must print nothing and exit 0.
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/include/wasp" "${work}/lib"
cp tools/install/include/wasp/Virtine.h "${work}/include/wasp/"
cp engine/libwasp.a tools/install/lib/libwasp.so "${work}/lib/"
cp tests/upstream/host.cpp tests/upstream/virtine.asm "${work}/"
cd "${work}"
nasm -fbin virtine.asm -o virtine.bin
# The install prefix stands in for /usr/local, which g++ searches by itself.
g++ -isystem include host.cpp -Llib -lwasp -o host
output="$(timeout 60 ./host 2>&1)" || {
  echo "host exited with status $?: ${output}" >&2
  exit 1
}
if [[ -n "${output}" ]]; then
  echo "host printed something, upstream says it prints nothing: ${output}" >&2
  exit 1
fi
echo "upstream example: built and ran"
