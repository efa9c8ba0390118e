#!/usr/bin/env bash
# Joins engine headers into one installable header: project includes are
# dropped (each header's own text follows in dependency order), system and
# Abseil includes stay.
# Usage: amalgamate.sh OUT [--include=HEADER] HEADER...
set -euo pipefail
out="$1"
shift
{
  echo "// Generated from Wasp's engine headers by tools/install/amalgamate.sh."
  if [[ "${1:-}" == --include=* ]]; then
    echo "#include ${1#--include=}"
    shift
  fi
  for header in "$@"; do
    echo "// ---- ${header#*/engine/}"
    grep -vE '^#include "(base|engine|guest)/' "${header}"
  done
} >"${out}"
