# shellcheck shell=bash
# The load driver of the benchmark suite: one function, drive_load, over
# wasp-load (when built) or wrk. Sourced by run.sh, which sets LOAD_TOOL
# (wasp-load or wrk), WASP_LOAD, SUITE_DIR and RAW.
#
# LOAD_CPUS and LOAD_THREADS say where the load runs; LOAD_LOG names the
# file each run's command and output are appended to.
LOAD_CPUS=1
LOAD_THREADS=1
LOAD_LOG=/dev/null
LOAD_PID=""

# drive_load URL CONNECTIONS DURATION [keepalive] [payload]
#   keepalive: 1 (default) keeps connections open; 0 sends one request per
#   connection. payload: bytes per request of a tcp:// (echo) URL.
# Prints "requests_per_sec p50_us p99_us errors" (NA where unknown); fails
# when the tool did not run to its end.
drive_load() {
  local url="$1" connections="$2" duration="$3" keepalive="${4:-1}"
  local payload="${5:-}"
  local threads=$((LOAD_THREADS < connections ? LOAD_THREADS : connections))
  local command=()
  if [[ "${LOAD_TOOL}" == wasp-load ]]; then
    command=("${WASP_LOAD}" --json --connections="${connections}"
      --duration="${duration}s")
    ((threads == 1)) || command+=(--threads="${threads}")
    ((keepalive)) || command+=(--keepalive=false)
    [[ -z "${payload}" ]] || command+=(--payload="${payload}")
  else
    if [[ "${url}" != http://* ]]; then
      echo "suite: wrk drives only http:// URLs" >&2
      return 2
    fi
    command=(wrk -t"${threads}" -c"${connections}" -d"${duration}s" --latency
      --timeout 10s)
    ((keepalive)) || command+=(-s "${SUITE_DIR}/close.lua")
  fi
  command+=("${url}")
  local out="${TMP}/load.out" status=0
  echo "taskset -c ${LOAD_CPUS} ${command[*]}" >>"${LOAD_LOG}"
  # timeout leads its own process group: the EXIT trap can end it.
  timeout -k 5 $((duration + 30)) taskset -c "${LOAD_CPUS}" "${command[@]}" \
    >"${out}" 2>&1 &
  LOAD_PID=$!
  wait "${LOAD_PID}" || status=$?
  LOAD_PID=""
  cat "${out}" >>"${LOAD_LOG}"
  if ((status != 0)); then
    echo "suite: load tool exited ${status}: $(tail -n1 "${out}")" >&2
    return 1
  fi
  if [[ "${LOAD_TOOL}" == wasp-load ]]; then
    parse_wasp_load_json <"${out}"
  else
    parse_wrk <"${out}"
  fi
}

# wrk --latency output -> "rps p50_us p99_us errors". Errors: socket errors
# (connect, read, write, timeout) and non-2xx/3xx answers.
parse_wrk() {
  awk '
    function us(v) {
      if (v ~ /us$/) return v + 0
      if (v ~ /ms$/) return v * 1e3
      if (v ~ /m$/) return v * 60e6
      if (v ~ /s$/) return v * 1e6
      return "NA"
    }
    /^Requests\/sec:/ {rps = $2}
    $1 == "50%" {p50 = us($2)}
    $1 == "99%" {p99 = us($2)}
    / requests in / {requests = $1}
    /Socket errors:/ {gsub(",", ""); errors += $4 + $6 + $8 + $10}
    /Non-2xx or 3xx responses:/ {errors += $NF}
    END {
      if (rps == "") rps = "NA"
      if (requests + 0 == 0) {p50 = "NA"; p99 = "NA"}
      printf "%s %s %s %d\n", rps, (p50 == "" ? "NA" : p50),
        (p99 == "" ? "NA" : p99), errors
    }'
}

# wasp-load --json -> "rps p50_us p99_us errors": requests_per_sec,
# latency_us.p50 and .p99, errors.total (connect, timeout, reset, bad
# status, short read, malformed).
parse_wasp_load_json() {
  jq -r '[.requests_per_sec, .latency_us.p50, .latency_us.p99,
          (.errors.total // (.errors | numbers))]
    | map(if . == null then "NA" else tostring end) | join(" ")' \
    2>/dev/null || echo "NA NA NA NA"
}
