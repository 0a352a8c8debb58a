# A tournament's ranking: each strategy's mean payoff per round with its 95%
# confidence interval, best first. Reads tournament.csv from
# 'cybertrust tournament --out DIR'. Variables: datafile, outfile, term, title.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set datafile columnheaders
set title title
ylab = "mean payoff per round (95% CI)"
set ylabel ylab
set xlabel "strategy, by rank"
set xtics rotate by -35
set grid ytics
set style fill solid 0.4
set boxwidth 0.6
set key off
stats datafile using 1 nooutput
set xrange [0.5:STATS_max + 0.5]
# dumb cannot rotate text: there the y label stands above the axis
if (strstrt(term, "dumb") > 0) { set label 1 ylab at graph 0, graph 1.06 left }
plot datafile using "rank":"score_mean":xtic(strcol("strategy")) with boxes lc 1, \
     datafile using "rank":"score_mean":"score_ci_lo":"score_ci_hi" with yerrorbars pt 7 lc 0
