# Fig. 12: cached call latency by image size (data/fig12.csv, engine_bench).
set terminal @term size 900,560 noenhanced
set output out.'/fig12.png'
set datafile separator ','
set title 'Fig. 12: cached square call by image size'
set logscale x 2
set xlabel 'image size (KiB, log)'
set ylabel 'microseconds per call'
set yrange [0:*]
set grid
set key off
plot data.'/fig12.csv' every ::1 using 1:2 with linespoints lw 2
