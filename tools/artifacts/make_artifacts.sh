#!/usr/bin/env bash
# Reproduces the upstream paper's experiments, like upstream's
# `make artifacts.tar`: builds with -c opt, runs
#   //tools/artifacts:paper_modes  Table 1 (boot time by step), Fig. 3 (modes)
#   //tools/artifacts:paper_echo   Fig. 4 (echo server milestones)
#   //tools/artifacts:paper_js     Fig. 14 (JavaScript per invocation)
#   //tools/bench:engine_bench     Fig. 8 (context creation), Fig. 11 (fib),
#                                  Fig. 12 (image size)
#   tools/wasp bench               Fig. 13 (HTTP), with --quick
#   //tools/aes:aes_speed          Sec. 6.4 (AES in a virtine per chunk)
# plots each figure with gnuplot (installing gnuplot-nox when missing) and
# packs data/*.csv, the figures and a README naming the machine into
# bench-results/artifacts-<date>/artifacts.tar. About two minutes once built.
set -euo pipefail
shopt -s inherit_errexit

CALLER_DIR="${PWD}"
SCRIPT_DIR="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
REPO="$(dirname "$(dirname "${SCRIPT_DIR}")")"
readonly CALLER_DIR SCRIPT_DIR REPO
readonly SUITE="tools/wasp"
readonly SUITE_TIMEOUT_S=180

usage() {
  cat <<'EOF'
usage: tools/artifacts/make_artifacts.sh [OPTIONS]

  --out DIR        where to put the artifacts
                   (default: bench-results/artifacts-<date>)
  --from-data DIR  do not build or run anything: derive the figures, README
                   and artifacts.tar again from DIR/data (an earlier run)
  --no-engine      skip //tools/bench:engine_bench (Figs. 8, 11, 12)
  --no-suite       skip tools/wasp bench (Fig. 13)
  --no-openssl     skip //tools/aes:aes_speed (Sec. 6.4)
  --no-plots       no gnuplot figures
  -h, --help       this text
EOF
}

log() { echo "make_artifacts: $*" >&2; }

absolute() {
  case "$1" in
    /*) echo "$1" ;;
    *) echo "${CALLER_DIR}/$1" ;;
  esac
}

sudo_prefix() {
  if ((EUID != 0)); then echo sudo; fi
}

# gnuplot, installed with apt when missing. Fails when it cannot be had.
ensure_gnuplot() {
  command -v gnuplot >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  log "installing gnuplot-nox"
  local sudo
  sudo="$(sudo_prefix)"
  ${sudo} env DEBIAN_FRONTEND=noninteractive apt-get install -y gnuplot-nox \
    >&2 ||
    { ${sudo} apt-get update >&2 &&
      ${sudo} env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y gnuplot-nox >&2; } ||
    return 1
  command -v gnuplot >/dev/null 2>&1
}

# engine.csv (Google Benchmark's CSV, context lines first) to "name,us"
# lines, the name without its /min_time and /manual_time suffixes.
engine_micros() {
  awk -F, '/^"BM_/ {
    name = $1
    gsub(/"/, "", name)
    sub(/\/min_time:[0-9.]+/, "", name)
    sub(/\/manual_time/, "", name)
    unit = $5
    scale = unit == "ns" ? 1e-3 : unit == "us" ? 1 : unit == "ms" ? 1e3 : 1e6
    if ($9 == "" || $9 == "false") printf "%s,%.3f\n", name, $3 * scale
  }' "$1"
}

# The figures' data from engine.csv: fig8.csv, fig11.csv, fig12.csv.
derive_engine_figures() {
  local data="$1"
  local micros
  micros="$(engine_micros "${data}/engine.csv")"
  lookup() { awk -F, -v n="$1" '$1 == n { print $2; exit }' <<<"${micros}"; }
  {
    echo "context,us"
    local row
    for row in "BM_RawExitRoundTrip:exit round trip (reused VM)" \
      "BM_CachedSquareCall:virtine: cached call" \
      "BM_PthreadCreateJoin:pthread create+join" \
      "BM_ForkWaitpid:fork+waitpid" \
      "BM_VmAndVcpuCreation:KVM VM+vCPU creation" \
      "BM_FreshVirtinePerCall:virtine: fresh VM per call"; do
      local us
      us="$(lookup "${row%%:*}")"
      if [[ -n "${us}" ]]; then echo "${row#*:},${us}"; fi
    done
  } >"${data}/fig8.csv"
  {
    echo "n,native_us,virtine_no_snapshot_us,virtine_snapshot_us"
    local n
    for n in 0 15 20 25; do
      echo "${n},$(lookup "BM_FibNative/${n}"),$(lookup "BM_FibVirtine/${n}/0"),$(lookup "BM_FibVirtine/${n}/1")"
    done
  } >"${data}/fig11.csv"
  {
    echo "image_kib,cached_call_us"
    local kib
    for kib in 4 64 1024 16384 65536; do
      local us
      us="$(lookup "BM_ImageSizeCachedSquare/${kib}")"
      if [[ -n "${us}" ]]; then echo "${kib},${us}"; fi
    done
  } >"${data}/fig12.csv"
}

plot_figures() {
  local out="$1"
  local term=png
  gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && term=pngcairo
  local -A inputs=([table1]=table1.csv [fig3]=fig3.csv
    [fig4]=fig4_by_milestone.csv [fig8]=fig8.csv [fig11]=fig11.csv
    [fig12]=fig12.csv [fig14]=fig14.csv)
  local figure
  for figure in table1 fig3 fig4 fig8 fig11 fig12 fig14; do
    if [[ ! -s "${out}/data/${inputs[${figure}]}" ]]; then
      log "no data for ${figure}: not plotted"
      continue
    fi
    gnuplot -e "data='${out}/data'; out='${out}'; term='${term}'" \
      "${SCRIPT_DIR}/plots/${figure}.gp" ||
      log "gnuplot failed on ${figure}"
  done
}

machine_section() {
  local data="$1"
  local cpu cores memory kernel virt tsc commit
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  cores="$(nproc)"
  memory="$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  kernel="$(uname -sr)"
  if [[ -e /sys/module/kvm_pvm ]]; then
    virt="KVM through PVM (software virtualization, no VT-x/SVM): guest code in real mode and at CPL0 is emulated, CPL3 runs natively"
  elif grep -qwE 'vmx|svm' /proc/cpuinfo; then
    virt="hardware KVM ($(grep -owE 'vmx|svm' /proc/cpuinfo | head -1))"
  else
    virt="KVM without vmx/svm in /proc/cpuinfo (nested or paravirtualized)"
  fi
  tsc="$(awk -F, '$1 == "tsc_mhz" { print $2 " MHz" }' \
    "${data}/paper_modes_machine.csv" 2>/dev/null || true)"
  commit="$(git -C "${REPO}" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "${REPO}" status --porcelain 2>/dev/null | head -1)" ]]; then
    commit="${commit} (with uncommitted changes)"
  fi
  cat <<EOF
| | |
| --- | --- |
| date | $(date -u +%Y-%m-%dT%H:%MZ) |
| CPU | ${cpu} |
| cores | ${cores} |
| memory | ${memory} |
| kernel | ${kernel} |
| virtualization | ${virt} |
| TSC | ${tsc:-not measured} |
| Wasp commit | ${commit} |
EOF
}

# Lines of FILE from the first one matching START to the end, or to the
# next line matching STOP when given.
section_of() {
  local file="$1" start="$2" stop="${3:-}"
  [[ -f "${file}" ]] || return 0
  awk -v start="${start}" -v stop="${stop}" '
    !on && $0 ~ start { on = 1; print; next }
    on && stop != "" && $0 ~ stop { exit }
    on { print }' "${file}"
}

write_readme() {
  local out="$1" commands="$2" suite_note="$3"
  local data="${out}/data"
  {
    echo "# Wasp: the upstream paper's experiments"
    echo
    echo "Produced by \`tools/artifacts/make_artifacts.sh\` (the counterpart of"
    echo "upstream's \`make artifacts.tar\`). Upstream's published figures and"
    echo "what differs between the machines: \`docs/paper-comparison.md\`."
    echo
    echo "## Machine"
    echo
    machine_section "${data}"
    echo
    echo "## Commands"
    echo
    echo '```sh'
    echo "${commands}"
    echo '```'
    echo
    echo "## Contents"
    echo
    echo "| paper | figure | data |"
    echo "| --- | --- | --- |"
    echo "| Table 1: boot time breakdown | table1.png | data/table1.csv (medians), data/table1_trials.csv (every boot) |"
    echo "| Fig. 3: mode latency | fig3.png | data/fig3.csv (medians), data/fig3_trials.csv (every run) |"
    echo "| Fig. 4: echo server boot latency | fig4.png | data/fig4.csv (median and p90 per milestone), data/fig4_trials.csv (every connection), data/fig4_by_milestone.csv (the plot's) |"
    echo "| Figs. 2 and 8: context creation | fig8.png | data/fig8.csv, from data/engine.csv |"
    echo "| Fig. 11: fib(n) | fig11.png | data/fig11.csv, from data/engine.csv |"
    echo "| Fig. 12: image size | fig12.png | data/fig12.csv, from data/engine.csv |"
    local fig13=-
    if compgen -G "${out}/fig13_*.png" >/dev/null; then fig13="fig13_*.png"; fi
    echo "| Fig. 13: HTTP server | ${fig13} | ${suite_note} |"
    echo "| Fig. 14: JavaScript per invocation | fig14.png | data/fig14.csv (median, p10, p90 and ratio to native per variant, beside upstream's), data/fig14_trials.csv (every invocation) |"
    echo "| Sec. 6.4: OpenSSL's AES in a virtine | - | data/openssl.txt (openssl speed's table: vpaes native, in a virtine, and openssl speed with AES-NI masked) |"
    echo
    echo "Console output of each program: data/paper_modes.txt,"
    echo "data/paper_echo.txt, data/paper_js.txt, data/engine_bench.txt."
    echo "Times are microseconds"
    echo "unless a column says cycles; the machines are noisy, so compare"
    echo "ratios from one run."
    if [[ -f "${data}/paper_modes.txt" ]]; then
      echo
      echo "## Table 1 and Fig. 3"
      echo
      echo '```'
      section_of "${data}/paper_modes.txt" '^Table 1:' '^CSV written'
      echo '```'
    fi
    if [[ -f "${data}/paper_echo.txt" ]]; then
      echo
      echo "## Fig. 4"
      echo
      echo '```'
      section_of "${data}/paper_echo.txt" '^Fig. 4:' '^CSV written'
      echo '```'
    fi
    if [[ -f "${data}/paper_js.txt" ]]; then
      echo
      echo "## Fig. 14"
      echo
      echo '```'
      section_of "${data}/paper_js.txt" '^Fig. 14:' '^CSV written'
      echo '```'
    fi
    if [[ -f "${data}/engine_bench.txt" ]]; then
      echo
      echo "## Engine and Figs. 8, 11, 12 (ratios to the exit round trip)"
      echo
      echo '```'
      section_of "${data}/engine_bench.txt" '^figure +us/op'
      echo '```'
    fi
    if [[ -f "${data}/openssl.txt" ]]; then
      echo
      echo "## Sec. 6.4: AES-128-CBC (1000s of bytes per second)"
      echo
      echo '```'
      section_of "${data}/openssl.txt" '^type ' '^`'
      echo '```'
    fi
  } >"${out}/README.md"
}

pack() {
  local out="$1"
  local files=(README.md data)
  local png
  for png in "${out}"/*.png; do
    if [[ -e "${png}" ]]; then files+=("$(basename "${png}")"); fi
  done
  tar -C "${out}" -cf "${out}/artifacts.tar" "${files[@]}"
}

main() {
  local out="" from_data="" engine=1 suite=1 plots=1 openssl=1
  while (($# > 0)); do
    case "$1" in
      --out) out="$(absolute "${2:?--out needs a directory}")"; shift ;;
      --out=*) out="$(absolute "${1#--out=}")" ;;
      --from-data) from_data="$(absolute "${2:?--from-data needs a directory}")"; shift ;;
      --from-data=*) from_data="$(absolute "${1#--from-data=}")" ;;
      --no-engine) engine=0 ;;
      --no-suite) suite=0 ;;
      --no-openssl) openssl=0 ;;
      --no-plots) plots=0 ;;
      -h | --help) usage; return 0 ;;
      *) echo "make_artifacts: unknown argument '$1'" >&2; usage >&2; return 2 ;;
    esac
    shift
  done
  cd "${REPO}"
  if [[ -n "${from_data}" ]]; then
    out="${out:-${from_data}}"
  else
    out="${out:-${REPO}/bench-results/artifacts-$(date +%Y-%m-%d)}"
  fi
  local data="${out}/data"
  local commands="" suite_note
  if [[ -z "${from_data}" ]]; then
    rm -rf "${data}" "${out}"/*.png "${out}/README.md" "${out}/artifacts.tar"
    mkdir -p "${data}"
    local targets=(//tools/artifacts:paper_modes //tools/artifacts:paper_echo
      //tools/artifacts:paper_js)
    if ((engine)); then targets+=(//tools/bench:engine_bench); fi
    if ((openssl)); then targets+=(//tools/aes:aes_speed); fi
    commands="bazel build -c opt ${targets[*]}"
    log "${commands}"
    bazel build -c opt "${targets[@]}" >&2
    local bin
    bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

    log "Table 1 and Fig. 3: paper_modes"
    "${bin}/tools/artifacts/paper_modes" --out "${data}" \
      --benchmark_out="${data}/paper_modes_benchmark.csv" \
      --benchmark_out_format=csv 2>&1 | tee "${data}/paper_modes.txt"
    commands+=$'\n'"bazel-bin/tools/artifacts/paper_modes --out data --benchmark_out=data/paper_modes_benchmark.csv --benchmark_out_format=csv"

    log "Fig. 4: paper_echo"
    "${bin}/tools/artifacts/paper_echo" --out "${data}" 2>&1 |
      tee "${data}/paper_echo.txt"
    commands+=$'\n'"bazel-bin/tools/artifacts/paper_echo --out data"

    log "Fig. 14: paper_js"
    "${bin}/tools/artifacts/paper_js" --script "${REPO}/guest/js/test.js" \
      --out "${data}" 2>&1 | tee "${data}/paper_js.txt"
    commands+=$'\n'"bazel-bin/tools/artifacts/paper_js --script guest/js/test.js --out data"

    if ((engine)); then
      log "Figs. 8, 11, 12: engine_bench (about a minute)"
      "${bin}/tools/bench/engine_bench" --benchmark_out="${data}/engine.csv" \
        --benchmark_out_format=csv 2>&1 | tee "${data}/engine_bench.txt"
      commands+=$'\n'"bazel-bin/tools/bench/engine_bench --benchmark_out=data/engine.csv --benchmark_out_format=csv"
    fi

    if ((openssl)); then
      log "Sec. 6.4: aes_speed (about 20 s)"
      "${bin}/tools/aes/aes_speed" --seconds=1 | tee "${data}/openssl.txt" ||
        log "Sec. 6.4: aes_speed failed; data/openssl.txt is incomplete"
      commands+=$'\n'"bazel-bin/tools/aes/aes_speed --seconds=1 > data/openssl.txt"
    fi

    if ((!suite)); then
      suite_note="skipped (--no-suite)"
    elif [[ ! -f "${SUITE}" ]]; then
      suite_note="missing: ${SUITE} does not exist in this checkout"
      log "Fig. 13: ${suite_note}"
    else
      log "Fig. 13: ${SUITE} bench --quick"
      local status=0 suite_args=(bench --quick --out "${data}/fig13")
      mkdir -p "${data}/fig13"
      timeout --kill-after=10 "${SUITE_TIMEOUT_S}" "${SUITE}" \
        "${suite_args[@]}" >"${data}/fig13/suite.txt" 2>&1 || status=$?
      local png
      for png in "${data}"/fig13/*.png; do
        if [[ -e "${png}" ]]; then cp "${png}" "${out}/fig13_$(basename "${png}")"; fi
      done
      commands+=$'\n'"${SUITE} ${suite_args[*]/#${data}/data}"
      if ((status == 0)); then
        suite_note="data/fig13/ (${SUITE} bench --quick: its CSV, README and plots; console in suite.txt)"
      else
        suite_note="${SUITE} bench --quick failed (exit ${status}); see data/fig13/suite.txt"
        log "Fig. 13: ${suite_note}"
      fi
    fi
  else
    [[ -d "${data}" ]] || { log "no ${data}"; return 1; }
    # shellcheck disable=SC2016  # backquotes of Markdown, not expansions
    commands="$(sed -n '/^```sh$/,/^```$/p' "${out}/README.md" 2>/dev/null |
      sed '1d;$d' || true)"
    if [[ -s "${data}/fig13/suite.txt" ]]; then
      suite_note="data/fig13/ (console in suite.txt)"
    else
      suite_note="not run"
    fi
  fi

  if [[ -f "${data}/engine.csv" ]]; then derive_engine_figures "${data}"; fi
  if ((plots)); then
    if ensure_gnuplot; then
      plot_figures "${out}"
    else
      log "no gnuplot and it could not be installed: no figures"
    fi
  fi
  write_readme "${out}" "${commands}" "${suite_note}"
  pack "${out}"
  log "done: ${out}/artifacts.tar"
  ls -l "${out}" >&2
}

main "$@"
