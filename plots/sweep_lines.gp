# A one-dimensional sweep: the metric's mean at each value of the setting,
# with its 95% confidence interval as a band, one line per value of a text
# setting (such as regime.template). Reads the .tsv file 'cybertrust plot'
# derives from sweep.csv: x, mean, ci_lo, ci_hi rows, one block (index) per
# line; the intervals are cut to the metric's possible range. Variables:
# datafile, outfile, term, title1, title2, xlabel, ylabel, panels (how many
# lines), panel1.. (their titles).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced  # names hold underscores, not subscripts
ascii = strstrt(term, "dumb") > 0
set title title1 . "\n" . title2
set xlabel xlabel
set ylabel ylabel
set grid
set key outside center bottom horizontal
set bmargin 8  # the key below the two-line axis label
set autoscale xfix
band = ascii ? "lines dt 2" : "filledcurves fs transparent solid 0.2 noborder"
hide = ascii ? NaN : 1
# dumb cannot rotate text: there the y axis is named in the title
if (ascii) { unset ylabel; set title title1 . "\n" . title2 . "\ny: " . ylabel }
name(i) = panels > 1 ? value(sprintf("panel%d", i)) : "mean"
plot for [i=1:panels] datafile index (i - 1) using 1:(hide*$3):(hide*$4) with @band lc i notitle, \
     for [i=1:panels] datafile index (i - 1) using 1:2 with linespoints lw 2 pt 7 lc i title name(i) . " (band: 95% CI)"
