# Replicator dynamics: the share of each strategy over time. Reads evolve.csv
# from 'cybertrust evolve --out DIR'. Variables: datafile, outfile, term, title,
# ncols, label2.. (the strategies of columns 2.., which may hold commas).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set datafile columnheaders
set title title
set xlabel "time"
ylab = "share of the population"
set ylabel ylab
set yrange [0:1]
set grid
set key outside right top
# dumb cannot rotate text: there the y label stands above the axis
if (strstrt(term, "dumb") > 0) { set label 1 ylab at graph 0, graph 1.06 left }
plot for [i=2:ncols] datafile using 1:i with lines lw 2 title value(sprintf("label%d", i))
