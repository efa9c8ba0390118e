# Fig. 8: context creation (data/fig8.csv, from engine_bench).
set terminal @term size 900,560 noenhanced
set output out.'/fig8.png'
set datafile separator ','
set title 'Fig. 8: creating an execution context (us per operation)'
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set logscale y
set ylabel 'microseconds (log)'
set xtics rotate by -25 left
set grid ytics
set key off
plot data.'/fig8.csv' every ::1 using 2:xticlabels(1) lc rgb '#3366aa'
