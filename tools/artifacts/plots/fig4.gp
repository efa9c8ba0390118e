# Fig. 4: echo server milestones by the way its virtine starts
# (data/fig4_by_milestone.csv, from paper_echo).
# gnuplot -e "data='DIR/data'; out='DIR'; term='pngcairo'" fig4.gp
set terminal @term size 1000,560 noenhanced
set output out.'/fig4.png'
set datafile separator ','
set datafile missing ''
set title "Fig. 4: echo server, time from the run's first instruction to each milestone (medians)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.01:100000]
set ylabel 'microseconds (log; the first milestone is 0)'
set xtics rotate by -30 left
set grid ytics
set key top left
plot data.'/fig4_by_milestone.csv' every ::1 using 2:xticlabels(1) title 'self-boot, real -> long mode (upstream)' lc rgb '#dd8833', \
     '' every ::1 using 3 title 'Wasp direct entry, no snapshot' lc rgb '#3366aa', \
     '' every ::1 using 4 title 'Wasp server, restored at ready' lc rgb '#55aa55'
