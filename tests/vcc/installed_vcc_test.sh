#!/usr/bin/env bash
# vcc as a user runs it: installed into a fresh prefix, then upstream's
# README example and smoketest compiled in a temporary directory with
# PREFIX/bin/vcc, as with cc, and run.
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
tools/install/install_vcc.sh "${work}/prefix" .
cp tests/vcc/readme_example.c tests/vcc/smoketest.c "${work}/"
cd "${work}"
# Under a sanitizer configuration libwasp_vcc.a holds gcc-instrumented code:
# vcc compiles, and g++ links with the same sanitizer, as for -lwasp.
link() {
  if [[ -n "${WASP_SANITIZE:-}" ]]; then
    prefix/bin/vcc -O2 -c "$1.c" -o "$1.o"
    g++ -fsanitize="${WASP_SANITIZE}" "$1.o" -Lprefix/lib -lwasp_vcc -lm \
      -o "$1"
  else
    prefix/bin/vcc -O2 "$1.c" -o "$1"
  fi
}
link readme_example
output="$(./readme_example)"
if [[ "${output}" != 9 ]]; then
  echo "readme_example printed '${output}', not 9" >&2
  exit 1
fi
# Compiling and linking in two steps works too, as with cc.
if [[ -n "${WASP_SANITIZE:-}" ]]; then
  link smoketest
else
  prefix/bin/vcc -c smoketest.c -o smoketest.o
  prefix/bin/vcc smoketest.o -o smoketest
fi
./smoketest | grep -qx 'val=9'
echo "installed vcc: built and ran the README example and the smoketest"
