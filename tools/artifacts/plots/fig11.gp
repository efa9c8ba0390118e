# Fig. 11: fib(n) natively and in virtines (data/fig11.csv, from engine_bench).
set terminal @term size 900,560 noenhanced
set output out.'/fig11.png'
set datafile separator ','
set title 'Fig. 11: fib(n) latency (us per call)'
set logscale y
set xlabel 'n'
set ylabel 'microseconds (log)'
set grid
set key top left
plot data.'/fig11.csv' every ::1 using 1:2 with linespoints title 'native', \
     '' every ::1 using 1:3 with linespoints title 'virtine, no snapshot', \
     '' every ::1 using 1:4 with linespoints title 'virtine, snapshot'
