#!/usr/bin/env bash
# make_artifacts.sh without KVM or Bazel: --help, and --from-data on a small
# Google Benchmark CSV (context lines first, as Google Benchmark writes it)
# derives the figures' data, a README and artifacts.tar.
set -euo pipefail

script="tools/artifacts/make_artifacts.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

bash -n "${script}" || fail "syntax"
"${script}" --help | grep -q -- '--from-data' || fail "--help"
if "${script}" --bogus >/dev/null 2>&1; then fail "--bogus accepted"; fi

out="${TEST_TMPDIR:-$(mktemp -d)}/artifacts"
mkdir -p "${out}/data"
cat >"${out}/data/engine.csv" <<'CSV'
2026-11-27T07:23:16+00:00
Running engine_bench
***WARNING*** Library was built as DEBUG. Timings may be affected.
name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,label,error_occurred,error_message
"BM_RawExitRoundTrip/min_time:1.000",60689,22600,23582.2,ns,,,,,
"BM_ForkWaitpid/min_time:1.000",1000,0.969,0.5,ms,,,,,
"BM_CachedSquareCall/min_time:1.000",1000,29.8,29,us,,,,,
"BM_CachedSquareCallReset/1/64/min_time:0.500",100,30400,30000,ns,,,"copy, 64 KiB writable",,
"BM_FibNative/20/min_time:0.500",100,13100,13100,ns,,,,,
"BM_FibVirtine/20/0/min_time:0.500",100,68100,60000,ns,,,"no snapshot",,
"BM_FibVirtine/20/1/min_time:0.500",100,61200,60000,ns,,,"snapshot",,
"BM_ImageSizeCachedSquare/4/min_time:1.000",100,30500,30000,ns,,,"5 KiB image",,
"BM_ImageSizeCachedSquare/65536/min_time:1.000",100,28800,28000,ns,,,"64 MiB image",,
CSV
printf 'cpu,"Test CPU"\ntsc_mhz,2445.4\n' >"${out}/data/paper_modes_machine.csv"
cat >"${out}/data/fig4_by_milestone.csv" <<'CSV'
milestone,self_boot_us,direct_us,snapshot_us
entry (real mode),0.000,,
long mode,3500.051,,
main,3505.812,0.000,
ready to receive,3510.872,22.703,0.000
reply sent,3576.064,67.557,24.546
host run(),3599.709,89.889,48.691
CSV
printf 'variant,milestone,clock,runs,median_cycles,median_us,p90_us\n' \
  >"${out}/data/fig4.csv"
printf 'TSC: 2445.4 MHz\n\nFig. 4: echo server, test table\nmain 0.00\n\nCSV written to data\n' \
  >"${out}/data/paper_echo.txt"

cat >"${out}/data/fig14.csv" <<'CSV'
variant,trials,median_us,p10_us,p90_us,ratio_to_native,upstream_us,upstream_ratio
native,3,150.0,140.0,170.0,1.000,418,1.000
snapshot,3,80.0,75.0,90.0,0.533,231,0.553
CSV
printf 'Fig. 14: test.js, test table
snapshot 0.53x

CSV written to data
' \
  >"${out}/data/paper_js.txt"
cat >"${out}/data/openssl.txt" <<'TXT'
AES-128-CBC, 1s per size, wall time (as -elapsed), 2026-12-07T20:11Z
The 'numbers' are in 1000s of bytes per second processed.
type              16 bytes     64 bytes    256 bytes   1024 bytes   8192 bytes  16384 bytes
vpaes virtine       193.75k      748.58k     2769.34k     2598.50k     2378.95k     2236.09k
calls without data (key and IV only): median 49.12 us

`openssl speed -elapsed -seconds 1 -evp aes-128-cbc` said:
version: 3.0.19
TXT

"${script}" --from-data "${out}" --no-plots 2>/dev/null

grep -qx 'exit round trip (reused VM),22.600' "${out}/data/fig8.csv" ||
  fail "fig8.csv: $(cat "${out}/data/fig8.csv")"
grep -qx 'fork+waitpid,969.000' "${out}/data/fig8.csv" || fail "fig8 ms"
grep -qx 'virtine: cached call,29.800' "${out}/data/fig8.csv" || fail "fig8 us"
grep -qx '20,13.100,68.100,61.200' "${out}/data/fig11.csv" ||
  fail "fig11.csv: $(cat "${out}/data/fig11.csv")"
grep -qx '15,,,' "${out}/data/fig11.csv" || fail "fig11 missing n"
[[ "$(cat "${out}/data/fig12.csv")" == $'image_kib,cached_call_us\n4,30.500\n65536,28.800' ]] ||
  fail "fig12.csv: $(cat "${out}/data/fig12.csv")"
grep -q '2445.4 MHz' "${out}/README.md" || fail "README has no TSC"
# Listed first: grep -q must not cut tar's output short (pipefail).
listing="$(tar -tf "${out}/artifacts.tar")"
grep -qx 'data/fig8.csv' <<<"${listing}" || fail "tar"
grep -qx 'README.md' <<<"${listing}" || fail "tar README"
grep -qx 'data/fig4.csv' <<<"${listing}" || fail "tar fig4"
grep -q '^| Fig. 4: echo server boot latency | fig4.png |' "${out}/README.md" ||
  fail "README does not list Fig. 4"
grep -q 'Fig. 4 (echo' "${out}/README.md" && fail "README: Fig. 4 not reproduced?"
grep -qx 'main 0.00' "${out}/README.md" || fail "README has no Fig. 4 console table"
grep -q 'CSV written' "${out}/README.md" && fail "README: console section not cut"
grep -q '^| Sec. 6.4: .* | data/openssl.txt' "${out}/README.md" ||
  fail "README does not list data/openssl.txt"
grep -q '^vpaes virtine  *193.75k' "${out}/README.md" ||
  fail "README has no AES table"
grep -q 'version: 3.0.19' "${out}/README.md" &&
  fail "README: openssl's own output not cut"
grep -qx 'data/openssl.txt' <<<"${listing}" || fail "tar openssl.txt"

grep -q '^| Fig. 14: JavaScript per invocation | fig14.png |' "${out}/README.md" ||
  fail "README does not list Fig. 14"
grep -qx 'snapshot 0.53x' "${out}/README.md" || fail "README has no Fig. 14 table"

# The Fig. 4 and Fig. 14 plot scripts on the samples, where gnuplot is
# installed.
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot -e "data='${out}/data'; out='${out}'; term='png'" \
    tools/artifacts/plots/fig14.gp 2>/dev/null || fail "fig14.gp"
  [[ -s "${out}/fig14.png" ]] || fail "fig14.gp wrote no fig14.png"
  gnuplot -e "data='${out}/data'; out='${out}'; term='png'" \
    tools/artifacts/plots/fig4.gp 2>/dev/null || fail "fig4.gp"
  [[ -s "${out}/fig4.png" ]] || fail "fig4.gp wrote no fig4.png"
fi
echo PASS
