# The survival of the agreement: the share of runs in which it still stands
# after each round (Kaplan-Meier), with its 95% confidence interval (Greenwood),
# cut to [0, 1]. Reads survival.tsv, which 'cybertrust plot' derives from a run
# folder's replications.csv: round, at_risk, collapsed, standing, ci_lo, ci_hi.
# Variables: datafile, outfile, term, title1, title2, rounds.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced
ascii = strstrt(term, "dumb") > 0
set title title1 . "\n" . title2
set xlabel "round"
ylab = "share of runs whose agreement still stands (0 to 1)"
set ylabel ylab
set yrange [0:1.02]
set xrange [0:rounds]
set grid
set key inside bottom left box opaque
if (ascii) { set label 1 ylab at graph 0, graph 1.06 left }
# the estimate is a step function: so are the bounds of its interval
plot datafile using 1:4 with steps lw 2 lc 1 title "agreement standing", \
     datafile using 1:5 with steps lw 1 dt 2 lc 1 title "95% CI", \
     datafile using 1:6 with steps lw 1 dt 2 lc 1 notitle
