#!/usr/bin/env bash
# The side-by-side benchmark suite of wasp-server: the same files served by
# wasp-server with each isolation (virtine, virtine without snapshot, a
# fresh VM per connection, none, process) and by nginx, in one run, with the server and the load pinned to
# separate CPUs; plus echo by payload size, scaling to two workers, the
# engine micro-benchmarks and wasp-load against wrk. Results (CSV per scenario, README.md, plots) go
# to bench-results/<YYYY-MM-DD-HHMM>/; the Markdown summary also goes to
# stdout, progress to stderr.
#
# Usage: tools/bench/suite/run.sh [--duration SECONDS] [--quick] [--out DIR]
#                                 [--loads 1,8,32] [--load-tool auto|wrk|wasp-load]
set -euo pipefail
shopt -s inherit_errexit

CALLER_DIR="${PWD}"
SUITE_DIR="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
readonly CALLER_DIR SUITE_DIR
cd "${SUITE_DIR}/../../.."

# shellcheck source=tools/bench/suite/servers.sh
source "${SUITE_DIR}/servers.sh"
# shellcheck source=tools/bench/suite/load.sh
source "${SUITE_DIR}/load.sh"
# shellcheck source=tools/bench/suite/report.sh
source "${SUITE_DIR}/report.sh"

DURATION=5
WARMUP=1
QUICK=0
OUT=""
LOADS=(1 8 32)
LOAD_CHOICE=auto
ECHO_CONNECTIONS=8
readonly ECHO_PAYLOADS=(64 4096 65536)
readonly HTTP_CONFIGS=(virtine virtine-nosnap virtine-fresh none process nginx)
readonly ECHO_CONFIGS=(virtine none process)
readonly SCALING_CONFIGS=(virtine none process nginx)
readonly APT_PACKAGES=(wrk nginx-light gnuplot-nox)

usage() {
  cat >&2 <<'EOF'
usage: tools/bench/suite/run.sh [--duration SECONDS] [--quick] [--out DIR]
                                [--loads N,N,...]
  --duration S   seconds per measurement (default 5), after a warm-up of
                 1 s of the same load (not counted)
  --quick        smoke test: 1 s per measurement, 8 connections only
  --out DIR      where the results go (default bench-results/<date-time>/)
  --loads LIST   connection counts of the HTTP runs (default 1,8,32)
  --load-tool T  auto (default: wasp-load when the tree has it, else wrk),
                 wasp-load or wrk
EOF
}

parse_args() {
  while (($# > 0)); do
    case "$1" in
      --duration) DURATION="${2:?--duration needs a value}"; shift ;;
      --duration=*) DURATION="${1#*=}" ;;
      --quick) QUICK=1 ;;
      --out) OUT="${2:?--out needs a value}"; shift ;;
      --out=*) OUT="${1#*=}" ;;
      --loads) IFS=, read -r -a LOADS <<<"${2:?--loads needs a value}"; shift ;;
      --loads=*) IFS=, read -r -a LOADS <<<"${1#*=}" ;;
      --load-tool) LOAD_CHOICE="${2:?--load-tool needs a value}"; shift ;;
      --load-tool=*) LOAD_CHOICE="${1#*=}" ;;
      -h | --help) usage; exit 0 ;;
      *) echo "suite: unknown argument '$1'" >&2; usage; exit 2 ;;
    esac
    shift
  done
  case "${LOAD_CHOICE}" in
    auto | wrk | wasp-load) ;;
    *) echo "suite: --load-tool takes auto, wrk or wasp-load" >&2; exit 2 ;;
  esac
  if ((QUICK)); then
    DURATION=1
    WARMUP=0
    LOADS=(8)
  fi
  if ! [[ "${DURATION}" =~ ^[1-9][0-9]*$ ]]; then
    echo "suite: --duration takes whole seconds, not '${DURATION}'" >&2
    exit 2
  fi
  if [[ -z "${OUT}" ]]; then
    OUT="bench-results/$(date +%Y-%m-%d-%H%M)"
  elif [[ "${OUT}" != /* ]]; then
    OUT="${CALLER_DIR}/${OUT}"
  fi
}

package_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == \
    "install ok installed" ]]
}

# wrk, nginx and gnuplot from Debian, unless they are already there.
ensure_tools() {
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  if command -v wrk >/dev/null && command -v gnuplot >/dev/null &&
    [[ -x "${NGINX}" ]]; then
    return 0
  fi
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    package_installed "${package}" || missing+=("${package}")
  done
  echo "suite: installing ${missing[*]}" >&2
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y "${APT_PACKAGES[@]}" >&2
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
}

# Builds the server and the benchmarks, and wasp-load when the tree has it
# and it builds (else the load tool is wrk).
build() {
  local targets=(//tools/server:wasp-server //tools/bench:engine_bench
    //tools/bench/scale:wasp-scale)
  echo "suite: bazel build -c opt ${targets[*]}" >&2
  bazel build -c opt "${targets[@]}" >&2
  local bin
  bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
  WASP_SERVER="${bin}/tools/server/wasp-server"
  ENGINE_BENCH="${bin}/tools/bench/engine_bench"
  WASP_SCALE="${bin}/tools/bench/scale/wasp-scale"
  WASP_LOAD="${bin}/tools/load/wasp-load"
  LOAD_TOOL=wrk
  LOAD_NOTE="//tools/load:wasp-load is not in this tree"
  if [[ "${LOAD_CHOICE}" == wrk ]]; then
    LOAD_NOTE="chosen with --load-tool=wrk"
  elif bazel query //tools/load:wasp-load >/dev/null 2>&1; then
    echo "suite: bazel build -c opt //tools/load:wasp-load" >&2
    if bazel build -c opt //tools/load:wasp-load >&2; then
      LOAD_TOOL=wasp-load
      LOAD_NOTE="built from this tree"
    else
      LOAD_NOTE="//tools/load:wasp-load did not build"
      echo "suite: ${LOAD_NOTE}; falling back to wrk" >&2
    fi
  fi
  if [[ "${LOAD_CHOICE}" == wasp-load && "${LOAD_TOOL}" != wasp-load ]]; then
    echo "suite: --load-tool=wasp-load: ${LOAD_NOTE}" >&2
    exit 1
  fi
  if [[ "${LOAD_TOOL}" == wasp-load ]] && ! command -v jq >/dev/null; then
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y jq >&2
  fi
}

make_docroot() {
  DOCROOT="${TMP}/docroot"
  mkdir -p "${DOCROOT}"
  printf '%s\n' '<!doctype html><title>small</title><p>A small page for' \
    'the Wasp benchmark suite, about 100 bytes.</p>' >"${DOCROOT}/small.html"
  head -c 65536 /dev/urandom >"${DOCROOT}/big.bin"
  # nginx started as root serves as nobody.
  chmod 0755 "${TMP}" "${DOCROOT}"
  chmod 0644 "${DOCROOT}"/*
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [[ -n "${LOAD_PID:-}" ]]; then
    kill -TERM "${LOAD_PID}" 2>/dev/null || true
    for _ in $(seq 20); do
      alive "${LOAD_PID}" || break
      sleep 0.1
    done
    kill -KILL -- "-${LOAD_PID}" 2>/dev/null || true
    { wait "${LOAD_PID}"; } 2>/dev/null || true
  fi
  stop_all_servers
  [[ -z "${TMP:-}" ]] || rm -rf "${TMP}"
  exit "${status}"
}

# engine_bench on CPU 0; sets EXIT_US from BM_RawExitRoundTrip.
run_engine() {
  local args=(--benchmark_out="${OUT}/engine.csv" --benchmark_out_format=csv
    --benchmark_color=false)
  if ((QUICK)); then
    args+=(--benchmark_filter='BM_RawExitRoundTrip|BM_HypercallDispatch|BM_CachedSquareCall/|BM_FreshVirtinePerCall')
  fi
  echo "suite: taskset -c 0 engine_bench ${args[*]}" >&2
  ENGINE_STATUS=ok
  if ! taskset -c 0 "${ENGINE_BENCH}" "${args[@]}" >"${OUT}/engine.txt" \
    2>"${RAW}/engine.stderr"; then
    ENGINE_STATUS="failed (see raw/engine.stderr)"
  fi
  EXIT_US="$(engine_exit_us "${OUT}/engine.csv")"
  echo "suite: exit round trip ${EXIT_US} us" >&2
}

# measure_http KEY CONFIG WORKERS SERVER_CPUS FILE MODE CONNECTIONS CSV
# Appends one row to CSV (columns: HTTP_RAW_HEADER).
measure_http() {
  local key="$1" config="$2" workers="$3" cpus="$4" file="$5" mode="$6"
  local connections="$7" csv="$8"
  local keepalive=1
  [[ "${mode}" == keepalive ]] || keepalive=0
  local run="${key}-${file}-${mode}-c${connections}"
  measure "${key}" "${RAW}/load-${run}.txt" \
    "http://127.0.0.1:PORT/${file}" "${connections}" "${keepalive}" ""
  csv_row "${config}" "${workers}" "${cpus//,/ }" "${LOAD_CPUS//,/ }" \
    "${file}" "${mode}" "${connections}" "${DURATION}" "${RESULT[@]}" \
    >>"${csv}"
  progress "${run}"
}

# measure_echo KEY CONFIG PAYLOAD CSV
measure_echo() {
  local key="$1" config="$2" payload="$3" csv="$4"
  local run="${key}-p${payload}-c${ECHO_CONNECTIONS}"
  measure "${key}" "${RAW}/load-${run}.txt" "tcp://127.0.0.1:PORT" \
    "${ECHO_CONNECTIONS}" 1 "${payload}"
  csv_row "${config}" 1 0 "${LOAD_CPUS//,/ }" "${payload}" \
    "${ECHO_CONNECTIONS}" "${DURATION}" "${RESULT[@]}" >>"${csv}"
  progress "${run}"
}

# The arguments as one CSV line; a comma inside a field becomes ';'.
csv_row() {
  local fields=("${@//,/;}")
  local IFS=,
  echo "${fields[*]}"
}

# measure KEY LOG URL CONNECTIONS KEEPALIVE PAYLOAD: sets RESULT to (rps
# p50_us p99_us errors exits_per_request status). PORT in URL becomes the
# server's port.
measure() {
  local key="$1" log="$2" url="$3" connections="$4" keepalive="$5"
  local payload="$6"
  local rps=NA p50=NA p99=NA errors=NA exits=NA status=ok
  if ensure_server "${key}"; then
    local e0 e1 result="${TMP}/result"
    # The warm-up (first connections pay for cold caches and, now and then,
    # a slow loopback connect) is not counted, nor are its exits.
    LOAD_LOG="${log}"
    : >"${log}"
    if ((WARMUP > 0)); then
      drive_load "${url/PORT/${SERVER_PORT[${key}]}}" "${connections}" \
        "${WARMUP}" "${keepalive}" "${payload}" >/dev/null || true
    fi
    read -r e0 _ < <(server_counters "${key}")
    if drive_load "${url/PORT/${SERVER_PORT[${key}]}}" "${connections}" \
      "${DURATION}" "${keepalive}" "${payload}" >"${result}"; then
      read -r rps p50 p99 errors <"${result}"
      if ! awk -v r="${rps}" 'BEGIN {exit !(r + 0 > 0)}'; then
        status="failed: no responses (${errors} errors)"
        p50=NA p99=NA
      fi
    else
      status="failed: the load tool did not finish"
    fi
    read -r e1 _ < <(server_counters "${key}")
    # Per response the client received: the server's request counter counts
    # sends (a big body is two).
    exits="$(awk -v e0="${e0}" -v e1="${e1}" -v n="${rps}" -v t="${DURATION}" \
      'BEGIN {if (e0 == "NA" || e1 == "NA" || n + 0 <= 0) print "NA";
              else printf "%.3f\n", (e1 - e0) / (n * t)}')"
    if ! alive "${SERVER_PID[${key}]}"; then
      status="failed: the server exited during the run (raw/server-${key}.log)"
    fi
  else
    status="failed: ${START_FAILED[${key}]}"
  fi
  RESULT=("${rps}" "${p50}" "${p99}" "${errors}" "${exits}" "${status}")
}

progress() {
  printf 'suite: %-44s %10s req/s  p50 %8s us  p99 %9s us  errors %s  %s\n' \
    "$1" "${RESULT[0]}" "${RESULT[1]}" "${RESULT[2]}" "${RESULT[3]}" \
    "${RESULT[5]}" >&2
}

# Scenario 1: HTTP, one worker on CPU 0, the load on CPU 1. All servers run
# at once (idle ones cost nothing) so that the configurations alternate.
scenario_http() {
  local csv="${TMP}/http.raw.csv" config file mode connections
  echo "${HTTP_RAW_HEADER}" >"${csv}"
  LOAD_CPUS=1
  LOAD_THREADS=1
  for config in "${HTTP_CONFIGS[@]}"; do
    register_server "${config}-http" "${config}" http 1 0
    ensure_server "${config}-http" || true
  done
  for file in small.html big.bin; do
    for mode in keepalive close; do
      for connections in "${LOADS[@]}"; do
        for config in "${HTTP_CONFIGS[@]}"; do
          measure_http "${config}-http" "${config}" 1 0 "${file}" "${mode}" \
            "${connections}" "${csv}"
        done
      done
    done
  done
  stop_all_servers
  derive_http "${csv}" "${EXIT_US}" >"${OUT}/http.csv"
}

# Scenario 5: the load tool against wrk, in turn, keep-alive small.html at
# the largest load on the CPUs of scenario 1: against --isolation=none (the
# fastest server: is wasp-load what limits a measurement?) and against
# --isolation=virtine (the server limits: do the two agree?). The best
# round of each counts: other work only ever slows a round down.
scenario_load_check() {
  LOAD_CHECK_NOTE=""
  if [[ "${LOAD_TOOL}" != wasp-load ]]; then
    LOAD_CHECK_NOTE="skipped: the load tool is wrk (${LOAD_NOTE})"
    return 0
  fi
  local connections="${LOADS[-1]}" config key round tool
  local rounds=3 rps p50 p99 errors url
  ((QUICK == 0)) || rounds=1
  LOAD_CPUS=1
  LOAD_THREADS=1
  echo "server,tool,round,connections,duration_s,requests_per_sec,p50_us,p99_us,errors" \
    >"${OUT}/loadcheck.csv"
  for config in none virtine; do
    key="${config}-loadcheck"
    register_server "${key}" "${config}" http 1 0
    ensure_server "${key}" || continue
    url="http://127.0.0.1:${SERVER_PORT[${key}]}/small.html"
    for ((round = 1; round <= rounds; round++)); do
      for tool in wrk wasp-load; do
        LOAD_TOOL="${tool}"
        LOAD_LOG="${RAW}/loadcheck-${config}-${tool}-${round}.txt"
        rps=NA p50=NA p99=NA errors=NA
        if drive_load "${url}" "${connections}" "${DURATION}" 1 "" \
          >"${TMP}/result"; then
          read -r rps p50 p99 errors <"${TMP}/result"
        fi
        csv_row "${config}" "${tool}" "${round}" "${connections}" \
          "${DURATION}" "${rps}" "${p50}" "${p99}" "${errors}" \
          >>"${OUT}/loadcheck.csv"
        echo "suite: load check ${config} round ${round}: ${tool} ${rps}" \
          "req/s" >&2
      done
    done
    stop_server "${key}"
  done
  LOAD_TOOL=wasp-load
}

# Scenario 2: echo over payload sizes (wasp-load only: wrk speaks HTTP).
scenario_echo() {
  if [[ "${LOAD_TOOL}" != wasp-load ]]; then
    ECHO_NOTE="skipped: wrk speaks only HTTP (${LOAD_NOTE})"
    echo "suite: echo ${ECHO_NOTE}" >&2
    return 0
  fi
  local csv="${TMP}/echo.raw.csv" config payload
  echo "${ECHO_RAW_HEADER}" >"${csv}"
  LOAD_CPUS=1
  LOAD_THREADS=1
  for config in "${ECHO_CONFIGS[@]}"; do
    register_server "${config}-echo" "${config}" echo 1 0
    ensure_server "${config}-echo" || true
  done
  for payload in "${ECHO_PAYLOADS[@]}"; do
    for config in "${ECHO_CONFIGS[@]}"; do
      measure_echo "${config}-echo" "${config}" "${payload}" "${csv}"
    done
  done
  stop_all_servers
  derive_echo "${csv}" >"${OUT}/echo.csv"
}

# Scenario 3: keep-alive small.html at the largest load, 1 worker (server
# CPU 0, load CPU 1) and 2 workers (server on CPUs 0 and 1, the load shares
# them with two threads).
scenario_scaling() {
  local csv="${TMP}/scaling.raw.csv" config workers cpus
  local connections="${LOADS[-1]}"
  echo "${HTTP_RAW_HEADER}" >"${csv}"
  for workers in 1 2; do
    if ((workers == 1)); then
      cpus=0 LOAD_CPUS=1 LOAD_THREADS=1
    else
      cpus=0,1 LOAD_CPUS=0,1 LOAD_THREADS=2
    fi
    for config in "${SCALING_CONFIGS[@]}"; do
      register_server "${config}-w${workers}" "${config}" http "${workers}" \
        "${cpus}"
      ensure_server "${config}-w${workers}" || true
    done
    for config in "${SCALING_CONFIGS[@]}"; do
      measure_http "${config}-w${workers}" "${config}" "${workers}" \
        "${cpus}" small.html keepalive "${connections}" "${csv}"
    done
    stop_all_servers
  done
  derive_http "${csv}" "${EXIT_US}" >"${OUT}/scaling.csv"
}

# Scenario 6: many connections (wasp-scale, its own program): 10,000
# connections, idle memory, slow clients, memory per pooled virtine.
scenario_connections() {
  local configs=virtine,none,nginx
  ((QUICK)) && configs=none
  echo "suite: wasp-scale --configs=${configs}" >&2
  (cd "$(dirname "${WASP_SCALE}")/../../.." &&
    "${WASP_SCALE}" --configs="${configs}" --nginx="${NGINX}" \
      --duration="${DURATION}s" --out="${OUT}/scale" >/dev/null) ||
    echo "suite: wasp-scale failed; see ${OUT}/scale" >&2
}

main() {
  local started
  started="$(date +%s)"
  parse_args "$@"
  COMMAND="tools/bench/suite/run.sh${*:+ $*}"
  ensure_tools
  build
  TMP="$(mktemp -d /tmp/wasp-suite.XXXXXX)"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  mkdir -p "${OUT}/raw"
  OUT="$(readlink -f "${OUT}")"
  RAW="${OUT}/raw"
  make_docroot
  LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  BUSY_BEFORE="$(cpu_busy)"
  if ((${BUSY_BEFORE%\%} > 10)); then
    echo "suite: warning: the CPUs were ${BUSY_BEFORE} busy before the run;" \
      "other work on this machine skews the figures" >&2
  fi
  echo "suite: results in ${OUT}; load tool ${LOAD_TOOL}; ${DURATION} s per" \
    "run; loads ${LOADS[*]}" >&2
  run_engine
  scenario_http
  ECHO_NOTE=""
  scenario_echo
  scenario_scaling
  scenario_load_check
  scenario_connections
  LOADAVG_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
  ELAPSED=$(($(date +%s) - started))
  make_plots
  write_readme >"${OUT}/README.md"
  if [[ -f "${OUT}/scale/scale.md" ]]; then
    printf '\n' >>"${OUT}/README.md"
    sed 's/^# /## /' "${OUT}/scale/scale.md" >>"${OUT}/README.md"
  fi
  cat "${OUT}/README.md"
  echo "suite: done in ${ELAPSED} s; results in ${OUT}" >&2
}

main "$@"
