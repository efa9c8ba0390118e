# shellcheck shell=bash
# Results of the benchmark suite: derived columns (ratio to none, the
# exit-bound ceiling), plots and README.md. Sourced by run.sh.

# The columns measure_http and measure_echo (run.sh) write.
# shellcheck disable=SC2034
readonly HTTP_RAW_HEADER="config,workers,server_cpus,load_cpus,file,mode,connections,duration_s,requests_per_sec,p50_us,p99_us,errors,exits_per_request,status"
# shellcheck disable=SC2034
readonly ECHO_RAW_HEADER="config,workers,server_cpus,load_cpus,payload_bytes,connections,duration_s,requests_per_sec,p50_us,p99_us,errors,exits_per_request,status"

# engine_exit_us CSV: BM_RawExitRoundTrip's real time in microseconds (NA
# when the benchmark did not run).
engine_exit_us() {
  [[ -s "$1" ]] || { echo NA; return 0; }
  awk -F, '$1 ~ /^"BM_RawExitRoundTrip/ {
      t = $3; u = $5
      if (u == "ns") t /= 1e3; else if (u == "ms") t *= 1e3
      else if (u == "s") t *= 1e6
      printf "%.2f\n", t; found = 1; exit
    }
    END {if (!found) print "NA"}' "$1"
}

# derive_http RAW_CSV EXIT_US: adds, per row, the ratio to none at the same
# workers, file, mode and connections, and the exit-bound ceiling
# workers / (t + e) with t = 1 / (none's requests/s per core) and e the
# exit round trip; virtine rows also get their fraction of that ceiling.
derive_http() {
  awk -F, -v OFS=, -v e="$2" '
    NR == FNR {
      if (FNR > 1 && $1 == "none" && $14 == "ok")
        none[$2 FS $5 FS $6 FS $7] = $9
      next
    }
    FNR == 1 {
      $14 = "ratio_to_none,ceiling_rps,fraction_of_ceiling," $14
      print; next
    }
    {
      n = none[$2 FS $5 FS $6 FS $7]; ratio = "NA"; ceiling = "NA"; f = "NA"
      if (n > 0 && $9 != "NA") ratio = sprintf("%.3f", $9 / n)
      if (n > 0 && e != "NA") {
        t = 1e6 * $2 / n
        ceiling = sprintf("%.0f", $2 * 1e6 / (t + e))
        if ($1 ~ /^virtine/ && $9 != "NA")
          f = sprintf("%.3f", $9 / ceiling)
      }
      $14 = ratio OFS ceiling OFS f OFS $14
      print
    }' "$1" "$1"
}

# derive_echo RAW_CSV: adds MiB/s (payload bytes each way) and the ratio to
# none at the same payload.
derive_echo() {
  awk -F, -v OFS=, '
    NR == FNR {
      if (FNR > 1 && $1 == "none" && $13 == "ok") none[$5] = $8
      next
    }
    FNR == 1 {$13 = "mib_per_sec,ratio_to_none," $13; print; next}
    {
      mib = ($8 == "NA") ? "NA" : sprintf("%.2f", $8 * $5 / 1048576)
      ratio = (none[$5] > 0 && $8 != "NA") ? sprintf("%.3f", $8 / none[$5]) \
        : "NA"
      $13 = mib OFS ratio OFS $13
      print
    }' "$1" "$1"
}

# pivot CSV ROW_FIELD COL_FIELD VALUE_FIELD SCALE COL_FORMAT FILTER_AWK
#   [bytes]: a tab-separated table for bars.gnuplot (rows and columns in the
# order they first appear; "?" where a value is missing); with "bytes" the
# row labels are byte counts to print as B/KiB/MiB.
pivot() {
  awk -F, -v rf="$2" -v cf="$3" -v vf="$4" -v scale="$5" -v colfmt="$6" \
    -v rowkind="${8:-}" "
    function label(r) {
      if (rowkind != \"bytes\") return r
      if (r >= 1048576 && r % 1048576 == 0) return r / 1048576 \" MiB\"
      if (r >= 1024 && r % 1024 == 0) return r / 1024 \" KiB\"
      return r \" B\"
    }
    NR > 1 && ($7) {
      r = \$rf; c = \$cf
      if (!(r in seen_r)) {seen_r[r] = 1; rows[++nr] = r}
      if (!(c in seen_c)) {seen_c[c] = 1; cols[++nc] = c}
      v[r, c] = (\$vf == \"NA\") ? \"?\" : \$vf / scale
    }
    END {
      printf \"group\"
      for (j = 1; j <= nc; j++) printf \"\\t\" colfmt, cols[j]
      print \"\"
      for (i = 1; i <= nr; i++) {
        printf \"%s\", label(rows[i])
        for (j = 1; j <= nc; j++) {
          x = ((rows[i], cols[j]) in v) ? v[rows[i], cols[j]] : \"?\"
          printf \"\\t%s\", x
        }
        print \"\"
      }
    }" "$1"
}

# bar_chart DAT OUTBASE TITLE XLABEL YLABEL LOGY FMT [LABEL_SCALE]
bar_chart() {
  local ncols
  ncols="$(head -n1 "$1" | awk -F'\t' '{print NF}')"
  if (($(wc -l <"$1") < 2)); then
    echo "suite: no data for $2" >&2
    return 0
  fi
  gnuplot -e "datafile='$1'; outbase='$2'; title_text='$3';" \
    -e "xlabel_text='$4'; ylabel_text='$5'; ncols=${ncols}; logy=$6;" \
    -e "fmt='$7'; labelscale=${8:-1}" "${SUITE_DIR}/bars.gnuplot" 2>>"${RAW}/gnuplot.log" ||
    echo "suite: gnuplot failed for $2 (raw/gnuplot.log)" >&2
}

# shellcheck disable=SC2016 # the filters are awk code.
make_plots() {
  local http="${OUT}/http.csv" dat="${RAW}"
  local small_ka='$5 == "small.html" && $6 == "keepalive"'
  pivot "${http}" 1 7 9 1 "conns: %s" "${small_ka}" >"${dat}/throughput.dat"
  bar_chart "${dat}/throughput.dat" "${OUT}/throughput-keepalive-small" \
    "HTTP keep-alive, small.html: throughput (1 worker on CPU 0, load on CPU 1)" \
    configuration "requests/s" 0 '%.1fk' 1000
  pivot "${http}" 1 7 11 1000 "conns: %s" "${small_ka}" >"${dat}/p99.dat"
  bar_chart "${dat}/p99.dat" "${OUT}/p99-keepalive-small" \
    "HTTP keep-alive, small.html: p99 latency (1 worker on CPU 0, load on CPU 1)" \
    configuration "p99 latency, ms (log scale)" 1 '%.2f'
  pivot "${http}" 1 7 9 1 "conns: %s" \
    '$5 == "small.html" && $6 == "close"' >"${dat}/throughput-close.dat"
  bar_chart "${dat}/throughput-close.dat" "${OUT}/throughput-close-small" \
    "HTTP one request per connection, small.html: throughput" \
    configuration "requests/s" 0 '%.1fk' 1000
  pivot "${OUT}/scaling.csv" 1 2 9 1 "workers: %s" 1 >"${dat}/scaling.dat"
  bar_chart "${dat}/scaling.dat" "${OUT}/scaling" \
    "HTTP keep-alive, small.html, ${LOADS[-1]} conns: 1 worker vs 2 workers" \
    configuration "requests/s" 0 '%.1fk' 1000
  if [[ -s "${OUT}/echo.csv" ]]; then
    pivot "${OUT}/echo.csv" 5 1 8 1 "%s" 1 bytes >"${dat}/echo.dat"
    bar_chart "${dat}/echo.dat" "${OUT}/echo-throughput" \
      "echo: throughput by payload size (${ECHO_CONNECTIONS} conns)" \
      "payload per request" "requests/s" 0 '%.1fk' 1000
  fi
}

# Markdown helpers, all in awk: thousands separators and latency units.
readonly MD_AWK='
  function group(x,   s, neg) {
    if (x == "NA" || x == "") return "-"
    x = sprintf("%.0f", x); neg = (x < 0); if (neg) x = -x
    s = ""
    while (length(x) > 3) {s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3)}
    return (neg ? "-" : "") x s
  }
  function lat(us) {
    if (us == "NA" || us == "") return "-"
    if (us < 1000) return sprintf("%.0f us", us)
    if (us < 1e6) return sprintf("%.2f ms", us / 1e3)
    return sprintf("%.2f s", us / 1e6)
  }
  function num(x, f) {return (x == "NA" || x == "") ? "-" : sprintf(f, x)}
  function pct(x) {return (x == "NA" || x == "") ? "-" : sprintf("%.0f%%", 100 * x)}
  function note(s) {return (s == "ok") ? "" : "**" s "**"}
  # VM exits per response: only virtines have them.
  function exits(config, x) {return (config ~ /^virtine/) ? num(x, "%.2f") : "-"}
'

# http_table CSV FILE MODE
http_table() {
  echo "| configuration | conns | requests/s | p50 | p99 | errors | exits/req | x none | exit-bound ceiling | % of ceiling | note |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  awk -F, -v file="$2" -v mode="$3" "${MD_AWK}"'
    NR > 1 && $5 == file && $6 == mode {
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        $1, $7, group($9), lat($10), lat($11), group($12), exits($1, $13),
        num($14, "%.2f"), group($15), pct($16), note($17)
    }' "$1"
}

scaling_table() {
  echo "| configuration | workers | server CPUs | load CPUs | conns | requests/s | p50 | p99 | errors | exits/req | x none | x 1 worker | exit-bound ceiling | % of ceiling | note |"
  echo "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  awk -F, "${MD_AWK}"'
    NR == FNR {if (FNR > 1 && $2 == 1) one[$1] = $9; next}
    FNR > 1 {
      scale = (one[$1] > 0 && $9 != "NA") ? sprintf("%.2f", $9 / one[$1]) : "NA"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        $1, $2, $3, $4, $7, group($9), lat($10), lat($11), group($12),
        exits($1, $13), num($14, "%.2f"), num(scale, "%.2f"), group($15),
        pct($16), note($17)
    }' "$1" "$1"
}

echo_table() {
  echo "| configuration | payload | conns | requests/s | MiB/s | p50 | p99 | errors | exits/req | x none | note |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  awk -F, "${MD_AWK}"'
    NR > 1 {
      printf "| %s | %s B | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        $1, group($5), $6, group($8), num($13, "%.1f"), lat($9), lat($10),
        group($11), exits($1, $12), num($14, "%.2f"), note($15)
    }' "$1"
}

# Share of the CPUs busy over one second (other users of a shared machine
# skew every figure).
cpu_busy() {
  local a b
  a="$(head -n1 /proc/stat)"
  sleep 1
  b="$(head -n1 /proc/stat)"
  awk -v a="${a}" -v b="${b}" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= n; i++) {d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d}
    printf "%.0f%%\n", (total > 0) ? 100 * (total - idle) / total : 0
  }'
}

machine_facts() {
  local pvm=no
  [[ ! -e /sys/module/kvm_pvm ]] || pvm="yes (KVM through PVM, no hardware VT-x/SVM)"
  local wrk_version nginx_version
  wrk_version="$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2 || true)"
  nginx_version="$("${NGINX}" -v 2>&1 | sed 's/.*version: //' || true)"
  echo "| | |"
  echo "| --- | --- |"
  echo "| cores (\`nproc\`) | $(nproc) |"
  echo "| CPU | $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') |"
  echo "| kernel | $(uname -sr) |"
  echo "| /sys/module/kvm_pvm | ${pvm} |"
  echo "| CPU busy just before the run (1 s sample, both cores) | ${BUSY_BEFORE} |"
  echo "| load average before / after | ${LOADAVG_BEFORE} / ${LOADAVG_AFTER} |"
  if [[ "${LOAD_TOOL}" == wasp-load ]]; then
    echo "| load tool | wasp-load (${LOAD_NOTE}), one thread per load CPU |"
  else
    echo "| load tool | ${wrk_version}, one thread per load CPU (${LOAD_NOTE}) |"
  fi
  echo "| nginx | ${nginx_version} |"
  echo "| exit round trip (BM_RawExitRoundTrip, this run) | ${EXIT_US} us |"
}

write_readme() {
  local minutes=$((ELAPSED / 60)) seconds=$((ELAPSED % 60))
  cat <<EOF
# wasp-server side by side: $(basename "${OUT}")

Command: \`${COMMAND}\` (${DURATION} s per measurement, connections
${LOADS[*]}); total run time ${minutes} min ${seconds} s.
Files: one CSV per scenario (\`http.csv\`, \`echo.csv\`, \`scaling.csv\`,
\`engine.csv\`), the load tool's and servers' own output in \`raw/\`.

## Machine

$(machine_facts)

## How each run was pinned

| runs | server | load generator |
| --- | --- | --- |
| HTTP (scenario 1), echo (2), scaling with 1 worker (3) | CPU 0: \`--workers=1 --cpus=0\` (nginx: \`taskset -c 0\`, \`worker_processes 1\`) | CPU 1: \`taskset -c 1\`, 1 thread |
| scaling with 2 workers (3) | CPUs 0 and 1: \`--workers=2 --cpus=0,1\` (nginx: \`taskset -c 0,1\`, \`worker_processes 2\`) | **shares CPUs 0 and 1 with the server**: \`taskset -c 0,1\`, 2 threads |
| engine micro-benchmarks (4) | \`taskset -c 0\` | - |

## Configurations

| name | what serves each connection |
| --- | --- |
| virtine | \`wasp-server --isolation=virtine\`: a virtine restored from the app's snapshot, reset after the connection |
| virtine-nosnap | \`WASP_NO_SNAPSHOT=1 wasp-server --isolation=virtine\`: the virtine boots the app image from scratch for every connection (upstream's no-snapshot mode; the KVM VM itself is reused) |
| virtine-fresh | \`wasp-server --isolation=virtine --fresh-vm\`: a new KVM VM for every connection, booted from the image and destroyed after it |
| none | \`wasp-server --isolation=none\`: the same app code natively, a coroutine in the worker; the baseline of "x none" |
| process | \`wasp-server --isolation=process\`: a process forked per connection |
| nginx | Debian's nginx, \`worker_processes\` = workers, \`sendfile on\`, \`access_log off\`, \`keepalive_requests 1000000\`, \`open_file_cache\` (config in \`raw/\`) |

Every configuration serves the same two files: \`small.html\` ($(wc -c <"${DOCROOT}/small.html") bytes) and \`big.bin\` (65,536 bytes).
"keepalive" runs keep each connection open; "close" runs send one request
per connection$(close_mode_note).

**Exit-bound ceiling** = cores / (t + e): t = 1 / (none's requests/s per
core) in the same row group, e = the exit round trip above. It is what a
virtine could reach if one request cost one exit on top of the native work;
"% of ceiling" is the virtine's share of it. Requests that need more exits
(exits/req: the server's \`wasp_vm_exits_total\` over the run divided by
the responses the load tool received; a body over 64 KiB is sent with one
more exit, a new connection costs more) stay further below it. In the
2-worker rows the load generator shares the server's CPUs, so none's rate
per core understates native speed and the ceiling can be exceeded.

Every measurement follows ${WARMUP} s of the same load that is not counted.

## Targets (issue 5), from the rows below

$(targets_table "${OUT}/http.csv")

The load tool's target (wasp-load within 10% of wrk): section 5.

## 1. HTTP, one worker

$(http_sections)

## 2. Echo

$(echo_section)

## 3. Scaling: one worker and two

$(scaling_table "${OUT}/scaling.csv")

## 4. Engine micro-benchmarks

engine_bench: ${ENGINE_STATUS}; CSV in \`engine.csv\`.

\`\`\`
$(sed -n '/^figure/,$p' "${OUT}/engine.txt")
\`\`\`

## 5. The load tool against wrk

$(load_check_section)

## Server log events

$(server_events)

## Plots

$(plot_links)
EOF
}

# The best round of each tool per server and their ratio. The issue asks
# wasp-load to reach at least wrk's rate against --isolation=none (not to be
# the bottleneck) and to agree with wrk within 10% (checked where the
# server, not either tool, limits the rate: the virtine row).
load_check_section() {
  if [[ -n "${LOAD_CHECK_NOTE}" ]]; then
    echo "The check was ${LOAD_CHECK_NOTE}."
    return 0
  fi
  echo "wasp-server on CPU 0, keep-alive small.html, ${LOADS[-1]} connections, one thread on CPU 1, ${DURATION} s per round, the best round of each tool (all rounds: \`loadcheck.csv\`):"
  echo
  echo "| server | wrk requests/s | wasp-load requests/s | wasp-load / wrk | target | met |"
  echo "| --- | ---: | ---: | ---: | --- | --- |"
  awk -F, "${MD_AWK}"'
    NR > 1 && $6 != "NA" && $6 + 0 > best[$1, $2] {best[$1, $2] = $6 + 0}
    function verdict(mode, r) {
      if (mode == "at_least") return (r >= 1) ? "yes" : "**no**"
      return (r >= 0.9 && r <= 1.1) ? "yes" : "**no**"
    }
    function line(server, target, mode,   w, l) {
      w = best[server, "wrk"]; l = best[server, "wasp-load"]
      if (w > 0 && l > 0) {
        printf "| %s | %s | %s | %.2f | %s | %s |\n", server, group(w),
          group(l), l / w, target, verdict(mode, l / w)
      } else {
        printf "| %s | - | - | - | %s | no data |\n", server, target
      }
    }
    END {
      line("none", "at least wrk'"'"'s rate (the load tool is not the bottleneck)", "at_least")
      line("virtine", "within 10% of wrk (the server is the bottleneck)", "agree")
    }' "${OUT}/loadcheck.csv"
}

# targets_table HTTP_CSV: the issue's targets, row group by row group.
targets_table() {
  echo "| target | file | conns | measured | met |"
  echo "| --- | --- | ---: | ---: | --- |"
  awk -F, '
    NR > 1 && $17 == "ok" {rps[$1, $5, $6, $7] = $9; f[$1, $5, $6, $7] = $16}
    NR > 1 {key = $5 FS $7; if (!(key in seen)) {seen[key] = 1; keys[++n] = key}}
    function row(target, file, conns, value, goal, unit) {
      printf "| %s | %s | %s | %s | %s |\n", target, file, conns,
        (value == "") ? "-" : sprintf(unit, value),
        (value == "") ? "no data" : (value >= goal ? "yes" : "**no**")
    }
    function ratio(a, b) {return (a > 0 && b > 0) ? a / b : ""}
    END {
      for (i = 1; i <= n; i++) {
        split(keys[i], k, FS)
        if (k[1] != "small.html") continue
        v = f["virtine", k[1], "keepalive", k[2]]
        row("keep-alive: virtine >= 85% of the exit-bound ceiling", k[1], k[2],
            (v == "" || v == "NA") ? "" : 100 * v, 85, "%.0f%%")
      }
      for (i = 1; i <= n; i++) {
        split(keys[i], k, FS)
        row("one request per connection: virtine >= 5x process", k[1], k[2],
            ratio(rps["virtine", k[1], "close", k[2]],
                  rps["process", k[1], "close", k[2]]), 5, "%.1fx")
      }
      for (i = 1; i <= n; i++) {
        split(keys[i], k, FS)
        row("one request per connection: virtine >= 20x a fresh VM", k[1],
            k[2], ratio(rps["virtine", k[1], "close", k[2]],
                        rps["virtine-fresh", k[1], "close", k[2]]), 20, "%.1fx")
      }
    }' "$1"
}

# What the servers logged besides starting and stopping, counted per server.
server_events() {
  local log name lines found=0
  for log in "${RAW}"/server-*.log; do
    [[ -e "${log}" ]] || continue
    name="$(basename "${log}" .log)"
    lines="$(grep -v -e 'listening on' -e 'finishing connections' \
      -e 'wasp-server: stopped' "${log}" | sed 's/^[0-9/: ]*//' |
      sort | uniq -c | sort -rn | head -n 5 || true)"
    [[ -n "${lines}" ]] || continue
    if ((found == 0)); then
      echo "| server | count | line |"
      echo "| --- | ---: | --- |"
    fi
    found=1
    while read -r count line; do
      echo "| ${name#server-} | ${count} | \`${line//|/\\|}\` |"
    done <<<"${lines}"
  done
  ((found)) || echo "None: no server logged anything but its start and stop."
}

close_mode_note() {
  if [[ "${LOAD_TOOL}" == wrk ]]; then
    printf '%s' ": wrk has no such mode, so close.lua sets \`Connection: close\` on every request, the server closes after its response and wrk reconnects; wrk's latency does not include the connect"
  else
    printf '%s' " (\`wasp-load --keepalive=false\`)"
  fi
}

http_sections() {
  local file mode
  for file in small.html big.bin; do
    for mode in keepalive close; do
      echo "### ${file}, ${mode}"
      echo
      http_table "${OUT}/http.csv" "${file}" "${mode}"
      echo
    done
  done
}

echo_section() {
  if [[ -n "${ECHO_NOTE}" ]]; then
    echo "Echo was ${ECHO_NOTE}."
  else
    echo_table "${OUT}/echo.csv"
  fi
}

plot_links() {
  local name
  for name in throughput-keepalive-small p99-keepalive-small \
    throughput-close-small scaling echo-throughput; do
    [[ -e "${OUT}/${name}.png" ]] || continue
    echo "![${name}](${name}.png) ([SVG](${name}.svg))"
    echo
  done
}
