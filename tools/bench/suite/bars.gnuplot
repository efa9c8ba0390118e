# Clustered bar chart of a tab-separated table: a header line, then one row
# per group (its label first) and one column per series; "?" is missing.
# Writes outbase.png and outbase.svg. Variables, set with gnuplot -e:
# datafile, outbase, title_text, xlabel_text, ylabel_text, ncols (columns
# in the file), logy (0 or 1), fmt (printf format of the bar labels) and
# labelscale (the labels show value / labelscale).
set datafile separator "\t"
set datafile missing "?"
# The header line names the series, in every plot (also the labels).
set key autotitle columnheader
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.95
set grid ytics
set key outside right top
set title title_text noenhanced
set xlabel xlabel_text noenhanced
set ylabel ylabel_text noenhanced
set xtics noenhanced
set key noenhanced
stats datafile using 2:2 nooutput
top = STATS_max_y
do for [j = 3:ncols] {
  stats datafile using j:j nooutput
  top = (STATS_max_y > top) ? STATS_max_y : top
}
if (logy) {
  set logscale y
  set yrange [*:top * 3]
} else {
  set yrange [0:top * 1.15]
}
series = ncols - 1
gap = 1.0
palette_colors = "#4e79a7 #f28e2b #e15759 #76b7b2 #59a14f #edc948 #b07aa1"
do for [t in "png svg"] {
  if (t eq "png") {
    set terminal pngcairo size 1000,560 font "sans,10"
  } else {
    set terminal svg size 1000,560 font "sans,10"
  }
  set output outbase . "." . t
  plot for [j = 2:ncols] datafile using j:xtic(1) title columnheader(j) \
         lc rgb word(palette_colors, j - 1), \
       for [j = 2:ncols] datafile \
         using ($0 + (j - 2 - (series - 1) / 2.0) / (series + gap)):(column(j)):(sprintf(fmt, column(j) / labelscale)) \
         with labels offset 0,0.7 font ",8" notitle
  unset output
}
