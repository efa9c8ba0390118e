#!/usr/bin/env bash
# HTTP keep-alive throughput and p99 latency of wasp-server with wrk, for
# each isolation, side by side in one run. The server gets one worker pinned
# to CPU 0 and wrk runs on CPU 1, so they do not compete for a core.
# Usage: tools/bench/server_wrk.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
duration="${1:-5}"
connections="${2:-32}"
command -v wrk >/dev/null || {
  echo "server_wrk: wrk is missing (apt-get install wrk)" >&2
  exit 2
}
bazel build -c opt //tools/server:wasp-server >&2
server="$(bazel info -c opt bazel-bin 2>/dev/null)/tools/server/wasp-server"
log="$(mktemp)"
trap 'rm -f "${log}"; kill "${pid:-0}" 2>/dev/null || true' EXIT

printf '%-10s %12s %10s %10s %14s\n' isolation requests/s p50 p99 exits/request
for isolation in virtine none process; do
  taskset -c 0 "${server}" --app=http --port=0 --admin_port=0 --workers=1 \
    --cpus=0 --isolation="${isolation}" 2>"${log}" &
  pid=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "${log}" && break
    sleep 0.1
  done
  port="$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' "${log}")"
  admin="$(sed -n 's/.*metrics on [0-9.]*:\([0-9]*\).*/\1/p' "${log}")"
  result="$(taskset -c 1 wrk -t1 -c"${connections}" -d"${duration}s" --latency \
    "http://127.0.0.1:${port}/index.html")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"${result}")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"${result}")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"${result}")"
  exits="$(curl -s "http://127.0.0.1:${admin}/metrics" |
    awk '/^wasp_exits_per_request/ {print $2}')"
  printf '%-10s %12s %10s %10s %14s\n' "${isolation}" "${rps}" "${p50}" \
    "${p99}" "${exits:-n/a}"
  kill -TERM "${pid}"
  wait "${pid}" || true
  pid=
done
