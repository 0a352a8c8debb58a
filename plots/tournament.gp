# A tournament's ranking: each strategy's mean payoff per round with its 95%
# confidence interval, best first; the bars start at zero. The numbers and
# the strategy labels (which may hold commas, as "fox(cover=0.5, depth=1)")
# come as variables, from tournament.json, not through the CSV. Variables:
# datafile (unused), outfile, term, title, n, means, lows, highs (n numbers
# each, space-separated), label1.. (the strategies, in rank order).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set termoption noenhanced  # names hold underscores, not subscripts
set title title
ylab = "mean payoff per round (95% CI); bars from zero"
set ylabel ylab
set xlabel "strategy, by rank"
set xtics rotate by -35
set grid ytics
set style fill solid 0.4
set boxwidth 0.6
set key off
set xrange [0.5:n + 0.5]
set yrange [*<0:0<*]
set xzeroaxis lt -1
# dumb cannot rotate text: there the y label stands above the axis
if (strstrt(term, "dumb") > 0) { set label 1 ylab at graph 0, graph 1.06 left }
v(list, i) = real(word(list, int(i)))
plot sample [i=1:n:1] "+" using (i):(v(means, i)):xtic(value(sprintf("label%d", int(i)))) with boxes lc 1, \
     [i=1:n:1] "+" using (i):(v(means, i)):(v(lows, i)):(v(highs, i)) with yerrorbars pt 7 lc 0
