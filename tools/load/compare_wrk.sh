#!/usr/bin/env bash
# wasp-load against wrk on the same server and load: wasp-server
# --isolation=none (one worker pinned to CPU 0) is measured by wrk, then by
# wasp-load, both on CPU 1 with the same connections, threads and duration
# (keep-alive GET /index.html). Prints requests/s and p99 of each and the
# ratio wasp-load/wrk; fails if wasp-load reaches less than 90% of wrk, that
# is if the load generator, not the server, limits the measurement.
# The pair runs ROUNDS times (default 3), alternating, and the best round of
# each tool counts: other work on the machine only ever slows a round down.
# cpu_us is the CPU time the tool itself used per request.
# Usage: tools/load/compare_wrk.sh [SECONDS] [CONNECTIONS] [THREADS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
duration="${1:-5}"
connections="${2:-32}"
threads="${3:-1}"
rounds="${4:-3}"
if ! command -v wrk >/dev/null; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get install -y wrk >&2
fi
bazel build -c opt //tools/server:wasp-server //tools/load:wasp-load >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
log="$(mktemp)"
out="$(mktemp)"
cpu="$(mktemp)"
trap 'rm -f "${log}" "${out}" "${cpu}"
  [[ -z "${pid:-}" ]] || kill "${pid}" 2>/dev/null' EXIT

ready="${log}.ready"
taskset -c 0 "${bin}/tools/server/wasp-server" --app=http --port=0 \
  --admin-port=-1 --workers=1 --cpus=0 --isolation=none \
  --ready-file="${ready}" 2>"${log}" &
pid=$!
for _ in $(seq 100); do
  [[ -f "${ready}" ]] && break
  sleep 0.1
done
port="$(sed -n 's/.*"port": *\([0-9-]*\).*/\1/p' "${ready}" 2>/dev/null)"
[[ -n "${port}" ]] || { cat "${log}" >&2; exit 1; }
url="http://127.0.0.1:${port}/index.html"

# Runs a command on CPU 1 with its stdout in ${out} and the CPU seconds it
# used (user + system) in ${cpu}.
timed() {
  local TIMEFORMAT='%U %S'
  { time taskset -c 1 "$@" >"${out}" 2>/dev/null; } 2>"${cpu}"
}

# CPU microseconds per request, from requests/s and ${cpu}.
cpu_per_request() {
  awk -v rps="$1" -v d="${duration}" '{
    printf "%.1f", (rps > 0 ? ($1 + $2) * 1e6 / (rps * d) : 0) }' "${cpu}"
}

# Prints "requests/s p99_us errors cpu_us" for one wrk run.
run_wrk() {
  timed wrk -t"${threads}" -c"${connections}" -d"${duration}s" --latency \
    "${url}"
  local result
  result="$(awk '
    /^Requests\/sec/ { rps = $2 }
    $1 == "99%" {  # "99%  1.23ms": to microseconds
      v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      p99 = v * ((unit == "us") ? 1 : (unit == "ms") ? 1000 : 1e6) }
    /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    /Non-2xx/ { errors += $NF }
    END { printf "%.0f %.0f %d\n", rps, p99, errors }' "${out}")"
  echo "${result} $(cpu_per_request "${result%% *}")"
}

# KEY's number in the JSON in ${out}, inside OBJECT if given:
# json_number KEY [OBJECT]
json_number() {
  local text
  text="$(cat "${out}")"
  if [[ -n "${2:-}" ]]; then
    text="${text#*\"$2\":\{}"
    text="${text%%\}*}"
  fi
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"${text}"
}

# Prints "requests/s p99_us errors cpu_us" for one wasp-load run.
run_load() {
  timed "${bin}/tools/load/wasp-load" --json --threads="${threads}" \
    --connections="${connections}" --duration="${duration}s" "${url}"
  local rps
  rps="$(printf '%.0f' "$(json_number requests_per_sec)")"
  echo "${rps} $(json_number p99 latency_us) $(json_number total errors)" \
    "$(cpu_per_request "${rps}")"
}

echo "${connections} connections, ${threads} thread(s), ${duration} s," \
  "keep-alive GET ${url}; server on CPU 0, clients on CPU 1"
row() { printf '%-6s %-10s %12s %10s %8s %8s\n' "$@"; }
row round tool requests/s p99_us errors cpu_us
best_wrk="0 0 0 0"
best_load="0 0 0 0"
for round in $(seq "${rounds}"); do
  result="$(run_wrk)"
  row "${round}" wrk ${result}
  (($(cut -d' ' -f1 <<<"${result}") > $(cut -d' ' -f1 <<<"${best_wrk}"))) &&
    best_wrk="${result}"
  result="$(run_load)"
  row "${round}" wasp-load ${result}
  (($(cut -d' ' -f1 <<<"${result}") > $(cut -d' ' -f1 <<<"${best_load}"))) &&
    best_load="${result}"
done
if ((rounds > 1)); then
  row best wrk ${best_wrk}
  row best wasp-load ${best_load}
fi
awk -v a="${best_load%% *}" -v b="${best_wrk%% *}" 'BEGIN {
  r = b > 0 ? a / b : 0; printf "ratio wasp-load/wrk (requests/s): %.3f\n", r
  if (r < 0.9) { print "wasp-load reached less than 90% of wrk" > "/dev/stderr"
                 exit 1 }
}'
