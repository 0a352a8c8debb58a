# Trust, share and exposure of each state over the rounds, mean with a band of
# one standard deviation across replications, cut to the range the quantity
# can take (trust and exposure in [0, 1], depth shared in [0, scope]).
# Reads series.csv from 'cybertrust run --out DIR'. Variables (set with
# gnuplot -e): datafile, outfile, term (a terminal, e.g. "pngcairo size
# 1000,900"), title, name1, name2 (the states' names, in the file's order),
# scope (the regime's ceiling on depth).
# The file lists each round's rows state by state, so "every 2::0" is the first
# state and "every 2::1" the second.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set datafile columnheaders
set key outside right top
set grid
set multiplot layout 3,1 title title . "\n(bands cut to the possible range)"
set xlabel "round"
# the dumb terminal shows neither rotated labels nor transparency: name each
# panel in its title, and leave the spread out
ascii = strstrt(term, "dumb") > 0
band = "fs transparent solid 0.2"
hide = ascii ? NaN : 1  # no bands on a plain terminal: they would hide the lines
lo(m, s) = hide * (m - s < 0 ? 0 : m - s)
hi(m, s, top) = hide * (m + s > top ? top : m + s)

set title "trust (0 to 1)"
set ylabel "trust"
set yrange [0:1.03]  # a line at 1 stays visible above the frame
plot datafile every 2::0 using "round":(lo(column("trust_mean"), column("trust_sd"))):(hi(column("trust_mean"), column("trust_sd"), 1)) with filledcurves @band lc 1 notitle, \
     datafile every 2::0 using "round":"trust_mean" with lines lw 2 lc 1 title name1, \
     datafile every 2::1 using "round":(lo(column("trust_mean"), column("trust_sd"))):(hi(column("trust_mean"), column("trust_sd"), 1)) with filledcurves @band lc 2 notitle, \
     datafile every 2::1 using "round":"trust_mean" with lines lw 2 lc 2 title name2

set title sprintf("depth shared (0 to the scope, %g)", scope)
set ylabel "depth shared"
set yrange [0:(scope > 0 ? scope : 1) * 1.03]
plot datafile every 2::0 using "round":(lo(column("share_mean"), column("share_sd"))):(hi(column("share_mean"), column("share_sd"), scope)) with filledcurves @band lc 1 notitle, \
     datafile every 2::0 using "round":"share_mean" with lines lw 2 lc 1 title name1, \
     datafile every 2::1 using "round":(lo(column("share_mean"), column("share_sd"))):(hi(column("share_mean"), column("share_sd"), scope)) with filledcurves @band lc 2 notitle, \
     datafile every 2::1 using "round":"share_mean" with lines lw 2 lc 2 title name2

set title "exposure: share of defences the partner has mapped"
set ylabel "share mapped"
set yrange [0:1.03]  # a line at 1 stays visible above the frame
plot datafile every 2::0 using "round":(lo(column("exposure_mean"), column("exposure_sd"))):(hi(column("exposure_mean"), column("exposure_sd"), 1)) with filledcurves @band lc 1 notitle, \
     datafile every 2::0 using "round":"exposure_mean" with lines lw 2 lc 1 title name1, \
     datafile every 2::1 using "round":(lo(column("exposure_mean"), column("exposure_sd"))):(hi(column("exposure_mean"), column("exposure_sd"), 1)) with filledcurves @band lc 2 notitle, \
     datafile every 2::1 using "round":"exposure_mean" with lines lw 2 lc 2 title name2
unset multiplot
