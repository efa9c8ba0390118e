#!/usr/bin/env bash
# HTTP keep-alive throughput and p99 latency of wasp-server with wrk, for
# each isolation, side by side in one run. The server gets one worker pinned
# to CPU 0 and wrk runs on CPU 1, so they do not compete for a core.
# Usage: tools/bench/server_wrk.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
duration="${1:-5}"
connections="${2:-32}"
if ! command -v wrk >/dev/null; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get install -y wrk >&2
fi
bazel build -c opt //tools/server:wasp-server >&2
server="$(bazel info -c opt bazel-bin 2>/dev/null)/tools/server/wasp-server"
log="$(mktemp)"
trap 'rm -f "${log}"; [[ -z "${pid:-}" ]] || kill "${pid}" 2>/dev/null' EXIT

# GET /metrics from the admin port, without curl.
metrics() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
  cat <&3 2>/dev/null || true
  exec 3<&-
}

printf '%-10s %12s %10s %10s %8s %14s\n' isolation requests/s p50 p99 errors \
  exits/request
for isolation in virtine none process; do
  ready="${log}.ready"
  rm -f "${ready}"
  taskset -c 0 "${server}" --app=http --port=0 --admin_port=0 --workers=1 \
    --cpus=0 --isolation="${isolation}" --ready_file="${ready}" 2>"${log}" &
  pid=$!
  for _ in $(seq 100); do
    [[ -f "${ready}" ]] && break
    sleep 0.1
  done
  port="$(sed -n 's/.*"port": *\([0-9-]*\).*/\1/p' "${ready}")"
  admin="$(sed -n 's/.*"admin_port": *\([0-9-]*\).*/\1/p' "${ready}")"
  result="$(taskset -c 1 wrk -t1 -c"${connections}" -d"${duration}s" --latency \
    "http://127.0.0.1:${port}/index.html")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"${result}")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"${result}")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"${result}")"
  # Socket errors and non-2xx answers, as wrk reports them.
  errors="$(awk '/Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
    /Non-2xx/ {n += $NF} END {print n + 0}' <<<"${result}")"
  exits="$(metrics "${admin}" |
    awk '/^wasp_exits_per_request/ {printf "%.3f", $2}')"
  printf '%-10s %12s %10s %10s %8s %14s\n' "${isolation}" "${rps}" "${p50}" \
    "${p99}" "${errors:-0}" "${exits:-n/a}"
  kill -TERM "${pid}"
  wait "${pid}" 2>/dev/null || true
  pid=
done
