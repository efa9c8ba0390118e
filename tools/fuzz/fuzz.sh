#!/usr/bin/env bash
# tools/wasp fuzz: builds one libFuzzer target with --config=fuzz (clang-14,
# ASan, UBSan) and runs it on a copy of its seed corpus in a work directory
# outside the tree, then prints execs/s, coverage and crashes. Exits 1 when
# the fuzzer found a crash. Fuzzers are the *_fuzzer.cc files; their seeds
# are <package>/testdata/<name>_corpus/ and generated <name>_corpus/ files
# (bazel/fuzz.bzl).
#
#   tools/fuzz/fuzz.sh --list
#   tools/fuzz/fuzz.sh NAME [--time=60s] [--out=DIR] [-- LIBFUZZER_ARGS...]
#
# With a file among LIBFUZZER_ARGS (a crash, say), it runs just that input.
# Run from the repository root (tools/wasp does); CALLER_DIR resolves
# relative paths given by the user.
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

list() {
  local path
  while read -r path; do
    printf '%-22s //%s:%s\n' "$(basename "${path}")" "$(dirname "${path}")" \
      "$(basename "${path}")"
  done < <(fuzzers)
}

# 90s, 2m, 1h or plain seconds.
seconds() {
  local time="$1"
  case "${time}" in
    *h) echo $((${time%h} * 3600)) ;;
    *m) echo $((${time%m} * 60)) ;;
    *s) echo "${time%s}" ;;
    *) echo "${time}" ;;
  esac
}

main() {
  if [[ "${1:-}" == "--list" ]]; then
    list
    return 0
  fi
  [[ $# -ge 1 && "$1" != -* ]] || { usage; return 2; }
  local name="${1%_fuzzer}_fuzzer" time=60s out="" arg
  shift
  while (($# > 0)); do
    arg="$1"
    shift
    case "${arg}" in
      --time=*) time="${arg#--time=}" ;;
      --out=*) out="${arg#--out=}" ;;
      --) break ;;
      *) usage; return 2 ;;
    esac
  done
  local path
  path="$(fuzzers | grep -E "(^|/)${name}\$" || true)"
  if [[ -z "${path}" ]]; then
    echo "wasp: fuzz: no fuzzer '${name}'; tools/wasp fuzz --list" >&2
    return 2
  fi
  local label="//$(dirname "${path}"):${name}"
  # gold warns about every ASan symbol it cannot export: noise.
  bazel build --config=fuzz "${label}" 2>&1 |
    { grep -v 'ld.gold: warning: Cannot export local symbol' >&2 || true; }
  local binary
  binary="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/${path}"

  # Extra arguments that name files: run those inputs and nothing else.
  local extra=() reproduce=0
  for arg in "$@"; do
    if [[ "${arg}" != -* ]]; then
      reproduce=1
      [[ "${arg}" == /* ]] || arg="${CALLER_DIR:-${PWD}}/${arg}"
    fi
    extra+=("${arg}")
  done
  if ((reproduce)); then
    exec "${binary}" "${extra[@]}"
  fi

  [[ -n "${out}" ]] ||
    out="${TMPDIR:-/tmp}/wasp-fuzz/${name}-$(date +%Y%m%d-%H%M%S)"
  [[ "${out}" == /* ]] || out="${CALLER_DIR:-${PWD}}/${out}"
  mkdir -p "${out}/corpus"
  # Seeds, from the tree and generated: the runfiles name both.
  grep "/${name}_corpus/" "${binary}.runfiles_manifest" | cut -d' ' -f2 |
    xargs -r cp -t "${out}/corpus"
  local seeds
  seeds="$(find "${out}/corpus" -type f | wc -l)"
  echo "wasp: fuzzing ${label} for ${time} on ${seeds} seeds in ${out}" >&2
  local status=0
  (cd "${out}" && "${binary}" -max_total_time="$(seconds "${time}")" \
    -print_final_stats=1 -artifact_prefix="${out}/" "${extra[@]}" corpus \
    >"${out}/fuzz.log" 2>&1) || status=$?
  report "${name}" "${out}" "${status}"
}

# One summary line from libFuzzer's log, and the crashes it left.
report() {
  local name="$1" out="$2" status="$3"
  local log="${out}/fuzz.log" last runs rate crashes
  last="$(grep -E '^#[0-9]+[[:space:]]' "${log}" | tail -1 || true)"
  runs="$(awk '/stat::number_of_executed_units/ { print $2 }' "${log}")"
  rate="$(awk '/stat::average_exec_per_sec/ { print $2 }' "${log}")"
  crashes="$(find "${out}" -maxdepth 1 -type f \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | sort)"
  local coverage="no coverage line"
  [[ -z "${last}" ]] ||
    coverage="$(sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/' \
      <<<"${last}")"
  echo "${name}: ${runs:-?} runs, ${rate:-?} execs/s, ${coverage}," \
    "$(grep -c . <<<"${crashes}" || true) crashes (log: ${log})"
  if [[ -n "${crashes}" || "${status}" != 0 ]]; then
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed)' "${log}" >&2 || true
    echo "${crashes}"
    return 1
  fi
}

main "$@"
