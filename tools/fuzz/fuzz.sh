#!/usr/bin/env bash
# tools/wasp fuzz: builds one libFuzzer target with --config=fuzz (clang-14,
# ASan, UBSan), runs it on a copy of its seeds in a work directory outside the
# tree and prints runs, execs/s, coverage and crashes; exits 1 on a crash.
# Fuzzers are the *_fuzzer.cc files; their seeds are the runfiles under
# <name>_corpus/ (bazel/fuzz.bzl). With a file among LIBFUZZER_ARGS (a crash,
# say) it runs just that input. CALLER_DIR resolves the user's relative paths.
set -euo pipefail
shopt -s inherit_errexit

usage() {
  echo "usage: tools/wasp fuzz --list | NAME [--time=60s] [--out=DIR]" \
    "[-- LIBFUZZER_ARGS...]" >&2
}

# package/name of every fuzzer, e.g. guest/apps/http/http_parse_fuzzer.
fuzzers() {
  find . -name '*_fuzzer.cc' -not -path './bazel-*' -printf '%P\n' |
    sed 's/\.cc$//' | sort
}

absolute() {
  if [[ "$1" == /* ]]; then echo "$1"; else echo "${CALLER_DIR:-${PWD}}/$1"; fi
}

main() {
  if [[ "${1:-}" == "--list" ]]; then
    fuzzers | while read -r p; do
      printf '%-22s //%s:%s\n' "${p##*/}" "${p%/*}" "${p##*/}"
    done
    return 0
  fi
  [[ $# -ge 1 && "$1" != -* ]] || { usage; return 2; }
  local name="${1%_fuzzer}_fuzzer" time=60s out="" arg seconds path binary
  shift
  while (($# > 0)); do
    case "$1" in
      --time=*) time="${1#--time=}" ;;
      --out=*) out="$(absolute "${1#--out=}")" ;;
      --) shift && break ;;
      *) usage; return 2 ;;
    esac
    shift
  done
  # libFuzzer takes seconds: 90s, 2m, 1h or plain seconds.
  case "${time}" in
    *h) seconds=$((${time%h} * 3600)) ;; *m) seconds=$((${time%m} * 60)) ;;
    *) seconds=$((${time%s})) ;;
  esac
  path="$(fuzzers | grep -E "(^|/)${name}\$" || true)"
  if [[ -z "${path}" ]]; then
    echo "wasp: fuzz: no fuzzer '${name}'; tools/wasp fuzz --list" >&2
    return 2
  fi
  local label="//${path%/*}:${name}"
  # gold warns about every ASan symbol it cannot export: noise.
  bazel build --config=fuzz "${label}" 2>&1 |
    { grep -v 'ld.gold: warning: Cannot export local symbol' >&2 || true; }
  binary="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/${path}"
  local extra=() reproduce=0
  for arg in "$@"; do
    if [[ "${arg}" != -* ]]; then reproduce=1 && arg="$(absolute "${arg}")"; fi
    extra+=("${arg}")
  done
  ((!reproduce)) || exec "${binary}" "${extra[@]}"

  out="${out:-${TMPDIR:-/tmp}/wasp-fuzz/${name}-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "${out}/corpus"
  grep "/${name}_corpus/" "${binary}.runfiles_manifest" | cut -d' ' -f2 |
    xargs -r cp -t "${out}/corpus"
  echo "wasp: fuzzing ${label} for ${time} on $(find "${out}/corpus" -type f |
    wc -l) seeds in ${out}" >&2
  local status=0
  (cd "${out}" && "${binary}" -max_total_time="${seconds}" \
    -print_final_stats=1 -artifact_prefix="${out}/" "${extra[@]}" corpus \
    >"${out}/fuzz.log" 2>&1) || status=$?
  report "${name}" "${out}" "${status}"
}

# One summary line from libFuzzer's log, and the crashes it left.
report() {
  local name="$1" out="$2" status="$3" log="$2/fuzz.log"
  local stats coverage crashes
  stats="$(awk '/stat::number_of_executed_units/ { runs = $2 }
    /stat::average_exec_per_sec/ { rate = $2 }
    END { printf "%s runs, %s execs/s", runs ? runs : "?", rate ? rate : "?" }' \
    "${log}")"
  coverage="$(grep -E '^#[0-9]+[[:space:]]' "${log}" | tail -1 |
    grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [^ ]+' || echo "no coverage line")"
  crashes="$(find "${out}" -maxdepth 1 -type f \( -name 'crash-*' \
    -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)"
  echo "${name}: ${stats}, ${coverage}," \
    "$(grep -c . <<<"${crashes}" || true) crashes (log: ${log})"
  [[ -z "${crashes}" && "${status}" == 0 ]] && return 0
  grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed)' "${log}" >&2 || true
  echo "${crashes}"
  return 1
}

main "$@"
