# Fig. 3: fib(20) by processor mode (data/fig3.csv, from paper_modes).
set terminal @term size 900,560 noenhanced
set output out.'/fig3.png'
set datafile separator ','
set title 'Fig. 3: fib(20) x10 by processor mode (medians)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'microseconds (log)'
set grid ytics
set key top right
plot data.'/fig3.csv' every ::1 using 5:xticlabels(1) title 'run() to report (host)' lc rgb '#3366aa', \
     '' every ::1 using 7 title 'fib x10 (guest TSC)' lc rgb '#dd8833'
