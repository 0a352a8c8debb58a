# Each scenario minus the first at the strategies each state would choose
# (the selected equilibria), with 95% confidence intervals: one panel per
# metric, so that no axis mixes units or senses; each panel says which way is
# better. Reads equilibrium_differences.tsv, which 'cybertrust plot' derives
# from equilibrium.json: panel, x (1, 2: the states; 1.5: the run), difference,
# mean, ci_lo, ci_hi. Variables: datafile, outfile, term, title, npanels,
# metric1.. and sense1.. (each panel's metric and sense), ndiffs, diff1..
# ("A minus B"), scenario1.. (A), minus1 (B), state1, state2.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced
set xrange [0.5:2.5]
set grid ytics
set xzeroaxis lt -1 lw 1.5
set key off
set ytics font ",9"
set xtics font ",10"
set yrange [*<0:0<*]  # no difference (0) always shows
set offsets 0, 0, graph 0.05, graph 0.05
# one difference: named in the title; more: in a key below the panels
head = ndiffs > 1 ? "each scenario minus " . value("minus1") . ": the paired difference, with its 95% CI" : diff1 . ": the paired difference, with its 95% CI"
if (ndiffs > 1) { set bmargin 6 }
set multiplot layout 1, npanels title title . "\n" . head
do for [p=1:npanels] {
    set title value(sprintf("metric%d", p)) . "\n" . value(sprintf("sense%d", p)) font ",10"
    if (p == npanels) { set xtics ("all runs" 1.5) norotate } else { set xtics (state1 1, state2 2) rotate by -30 }
    if (ndiffs > 1 && p == 1) { set key at screen 0.5, screen 0.01 center bottom horizontal } else { set key off }
    plot for [k=1:ndiffs] datafile using ($2 + (k - 1) * 0.1):($1 == p && $3 == k ? $4 : NaN):($1 == p && $3 == k ? $5 : NaN):($1 == p && $3 == k ? $6 : NaN) with yerrorbars pt 7 ps 1.5 lw 2 lc k title value(sprintf("scenario%d", k))
}
unset multiplot
