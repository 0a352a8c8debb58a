# When the agreement collapsed: a histogram of the round of the first
# withdrawal over the runs where one came. Reads survival.tsv (column 3: the
# runs collapsing in each round). Bars start at zero. Variables: datafile,
# outfile, term, title1, title2, width (rounds per bar), rounds.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced
ascii = strstrt(term, "dumb") > 0
set title title1 . "\n" . title2
xlab = width > 1 ? sprintf("round of the first withdrawal (bars of %d rounds)", width) : "round of the first withdrawal"
set xlabel xlab
ylab = "runs (count)"
set ylabel ylab
set yrange [0:*]
set xrange [0:rounds + width]
set grid ytics
set key off
set style fill solid 0.6
set boxwidth width * 0.9
if (ascii) { set label 1 ylab at graph 0, graph 1.06 left }
bin(x) = width * floor((x - 1) / width) + 1 + (width - 1) / 2.0
plot datafile every ::1 using (bin($1)):3 smooth frequency with boxes lc 1
