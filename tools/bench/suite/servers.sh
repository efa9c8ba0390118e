# shellcheck shell=bash disable=SC2034 # SERVER_PORT is read by run.sh
# Servers of the benchmark suite: start one configuration, wait until it
# listens, scrape its metrics, stop it. Sourced by run.sh, which sets
# WASP_SERVER, NGINX, DOCROOT, TMP and RAW.
#
# Every server runs in its own session (setsid), so that stopping it can
# also end whatever it forked (process isolation, nginx workers).

declare -A SERVER_PID=()     # key -> pid (also the process group id)
declare -A SERVER_PORT=()    # key -> port serving HTTP or echo
declare -A SERVER_ADMIN=()   # key -> metrics port (wasp-server only)
declare -A START_FAILED=()   # key -> why the server did not start
declare -A SERVER_CONFIG=()  # key -> "config app workers cpus"

# True while PID runs (a zombie does not count).
alive() {
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" ||
    return 1
  [[ -n "${state}" && "${state}" != Z ]]
}

# A TCP port on 127.0.0.1 that no socket uses, below the ephemeral range
# (the load tools' client sockets take ports from that range).
free_port() {
  local low port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  ((low > 11000)) || low=61000
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    if [[ -z "$(ss -Htan "sport = :${port}" 2>/dev/null)" ]]; then
      echo "${port}"
      return 0
    fi
  done
}

# Whether something accepts connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# register_server KEY CONFIG APP WORKERS CPUS: remembers how to start KEY.
register_server() {
  SERVER_CONFIG["$1"]="$2 $3 $4 $5"
}

# ensure_server KEY: starts KEY unless it runs; fails (with the reason in
# START_FAILED) when it cannot, and does not try again after a failed start.
ensure_server() {
  local key="$1" pid="${SERVER_PID[$1]:-}"
  if [[ -n "${pid}" ]] && alive "${pid}"; then
    return 0
  fi
  if [[ -n "${pid}" ]]; then
    echo "suite: ${key} exited; restarting it" >&2
    stop_server "${key}"
  fi
  [[ -z "${START_FAILED[${key}]:-}" ]] || return 1
  local config app workers cpus
  read -r config app workers cpus <<<"${SERVER_CONFIG[${key}]}"
  if [[ "${config}" == nginx ]]; then
    start_nginx "${key}" "${workers}" "${cpus}"
  else
    start_wasp "${key}" "${config}" "${app}" "${workers}" "${cpus}"
  fi
}

start_wasp() {
  local key="$1" config="$2" app="$3" workers="$4" cpus="$5"
  local log="${RAW}/server-${key}.log"
  local isolation="${config}" env=()
  local args=(--app="${app}" --port=0 --admin-port=0 --workers="${workers}"
    --cpus="${cpus}" --shutdown-grace=1s)
  case "${config}" in
    virtine-nosnap)
      isolation=virtine
      env=(WASP_NO_SNAPSHOT=1)
      ;;
    virtine-fresh)
      isolation=virtine
      args+=(--fresh-vm)
      ;;
  esac
  args+=(--isolation="${isolation}")
  [[ "${app}" != http ]] || args+=(--docroot="${DOCROOT}")
  echo "suite: starting ${key}: ${env[*]} taskset -c ${cpus} wasp-server" \
    "${args[*]}" >&2
  local ready="${TMP}/${key}.ready"
  rm -f "${ready}"
  setsid env "${env[@]}" taskset -c "${cpus}" "${WASP_SERVER}" "${args[@]}" \
    --ready-file="${ready}" >/dev/null 2>>"${log}" &
  local pid=$!
  SERVER_PID["${key}"]="${pid}"
  for _ in $(seq 300); do
    [[ ! -f "${ready}" ]] || break
    alive "${pid}" || break
    sleep 0.1
  done
  if [[ ! -f "${ready}" ]]; then
    START_FAILED["${key}"]="did not start: $(tail -n1 "${log}" | tr ',' ';')"
    stop_server "${key}"
    return 1
  fi
  SERVER_PORT["${key}"]="$(sed -n 's/.*"port": *\([0-9-]*\).*/\1/p' "${ready}")"
  SERVER_ADMIN["${key}"]="$(sed -n 's/.*"admin_port": *\([0-9-]*\).*/\1/p' "${ready}")"
}

# nginx as the current user, with a minimal configuration of its own; a
# port taken between the choice and the bind gets another try.
start_nginx() {
  local key="$1" workers="$2" cpus="$3" attempt
  for attempt in 1 2 3; do
    start_nginx_once "${key}" "${workers}" "${cpus}" && return 0
    grep -q 'Address already in use' "${RAW}/server-${key}.log" || break
    ((attempt < 3)) || break
    echo "suite: ${key}: port taken; trying another" >&2
    unset 'START_FAILED[$key]'
  done
  return 1
}

start_nginx_once() {
  local key="$1" workers="$2" cpus="$3"
  local dir="${TMP}/nginx-${key}" port
  port="$(free_port)"
  mkdir -p "${dir}"
  cat >"${dir}/nginx.conf" <<EOF
daemon off;
worker_processes ${workers};
error_log stderr;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${DOCROOT};
  }
}
EOF
  cp "${dir}/nginx.conf" "${RAW}/nginx-${key}.conf"
  local log="${RAW}/server-${key}.log"
  echo "suite: starting ${key}: taskset -c ${cpus} nginx -c ${dir}/nginx.conf" \
    "(worker_processes ${workers}, port ${port})" >&2
  setsid taskset -c "${cpus}" "${NGINX}" -e stderr -c "${dir}/nginx.conf" \
    -p "${dir}" >/dev/null 2>>"${log}" &
  local pid=$!
  SERVER_PID["${key}"]="${pid}"
  for _ in $(seq 100); do
    if port_open "${port}"; then
      SERVER_PORT["${key}"]="${port}"
      SERVER_ADMIN["${key}"]=""
      return 0
    fi
    alive "${pid}" || break
    sleep 0.1
  done
  START_FAILED["${key}"]="did not start: $(tail -n1 "${log}" | tr ',' ';')"
  stop_server "${key}"
  return 1
}

# stop_server KEY: SIGTERM (graceful), then SIGKILL to its whole session.
stop_server() {
  local key="$1" pid="${SERVER_PID[$1]:-}"
  [[ -n "${pid}" ]] || return 0
  kill -TERM "${pid}" 2>/dev/null || true
  for _ in $(seq 50); do
    alive "${pid}" || break
    sleep 0.1
  done
  kill -KILL -- "-${pid}" 2>/dev/null || true
  wait "${pid}" 2>/dev/null || true
  unset 'SERVER_PID[$key]'
}

stop_all_servers() {
  local key
  for key in "${!SERVER_PID[@]}"; do
    stop_server "${key}"
  done
}

# server_counters KEY: "VM_EXITS SENDS" summed over the workers, from
# GET /metrics; "NA NA" for a server without metrics.
server_counters() {
  local admin="${SERVER_ADMIN[$1]:-}"
  if [[ -z "${admin}" ]]; then
    echo "NA NA"
    return 0
  fi
  # shellcheck disable=SC2016 # $1 is the inner shell's.
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' _ "${admin}" \
    2>/dev/null |
    awk '/^wasp_vm_exits_total/ {e += $2; n++}
         /^wasp_requests_total/ {r += $2}
         END {if (n) printf "%d %d\n", e, r; else print "NA NA"}' || true
}
