# Fig. 14: JavaScript per invocation, each variant's median as a ratio to
# native's, beside upstream's (data/fig14.csv, from paper_js).
# gnuplot -e "data='DIR/data'; out='DIR'; term='pngcairo'" fig14.gp
set terminal @term size 900,520 noenhanced
set output out.'/fig14.png'
set datafile separator ','
set title "Fig. 14: test.js per invocation (Duktape), median time relative to native"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set ylabel 'time / native time (NT: no teardown)'
set grid ytics
set key top right
plot data.'/fig14.csv' every ::1 using 6:xticlabels(1) title 'Wasp (this machine)' lc rgb '#3366aa', \
     '' every ::1 using 8 title 'upstream (paper)' lc rgb '#dd8833'
