# Table 1: boot time by step (data/table1.csv, from paper_modes).
# gnuplot -e "data='DIR/data'; out='DIR'; term='pngcairo'" table1.gp
set terminal @term size 1000,560 noenhanced
set output out.'/table1.png'
set datafile separator ','
set title 'Table 1: boot time by step (median cycles, guest TSC; host run()/reset() on the right)'
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set logscale y
set ylabel 'cycles (log)'
set xtics rotate by -35 left
set grid ytics
set key off
plot data.'/table1.csv' every ::1 using 3:xticlabels(1) lc rgb '#3366aa'
