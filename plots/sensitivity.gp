# A sensitivity analysis (cybertrust sensitivity --out DIR) in one picture.
# Reads the files 'cybertrust plot' derives from sensitivity.json and maps.csv:
# datafile (sensitivity_indices.tsv: rank, setting, then Sobol's total
# est, lo, hi and first-order est, lo, hi, or Morris's mu* est, lo, hi, mu,
# sigma) and mapfile (sensitivity_map.tsv: x, y, share of points below 0).
# Variables: datafile, mapfile, outfile, term, title (the question in words:
# state and scenario names, the metric described), method ("sobol" or
# "morris"), nsettings, hasmap (1: draw the map), xlabel, ylabel (the map's),
# xlevels, ylevels (a categorical setting's levels separated by spaces, or "").
# Panels: the index bars with 95% bootstrap intervals; for Morris the
# mu*-sigma scatter (sigma large against mu*: interactions or a curved
# effect); the two top settings' map of where the answer is below zero.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced  # names hold underscores, not subscripts
morris = method eq "morris"
panels = 1 + morris + hasmap
set multiplot layout 1, panels title title
set style fill solid 0.7 border -1
set boxwidth (morris ? 0.6 : 0.36)
set xrange [0.4:nsettings + 0.6]
set xtics rotate by -35 left nomirror
set grid ytics
set key top right
set yrange [0:*]
if (morris) {
    set title "mu*: mean |elementary effect| per whole range"
    set ylabel "mu*"
    plot datafile using 1:3 with boxes lc rgb "#2166ac" title "mu*", \
         "" using 1:3:4:5 with yerrorbars lc rgb "black" pt -1 title "95% interval", \
         "" using 1:(NaN):xtic(2) notitle
    set title "mu* against sigma"
    set xrange [0:*]
    set yrange [0:*]
    set xtics norotate autofreq
    stats datafile using 3 nooutput
    set xrange [0:STATS_max * 1.5]  # room for the names
    set xlabel "mu*"
    set ylabel "sigma (spread of the effects)"
    plot datafile using 3:7 with points pt 7 ps 1.4 lc rgb "#b2182b" notitle, \
         "" using 3:7:2 with labels offset 1, 0.6 left notitle
} else {
    set title "Sobol indices"
    set ylabel "share of the variance"
    plot datafile using ($1 - 0.19):3 with boxes lc rgb "#2166ac" title "total ST", \
         "" using ($1 - 0.19):3:4:5 with yerrorbars lc rgb "black" pt -1 notitle, \
         "" using ($1 + 0.19):6 with boxes lc rgb "#92c5de" title "first-order S1", \
         "" using ($1 + 0.19):6:7:8 with yerrorbars lc rgb "black" pt -1 title "95% interval", \
         "" using 1:(NaN):xtic(2) notitle
}
if (hasmap) {
    unset grid
    set title "share of points where the answer < 0"
    set xtics norotate autofreq
    set autoscale xy
    # a categorical setting's cells are its levels 0, 1, ...: tics name them
    if (xlevels ne "") { set xtics (); do for [i = 1:words(xlevels)] { set xtics add (word(xlevels, i) i - 1) } }
    if (ylevels ne "") { set ytics (); do for [i = 1:words(ylevels)] { set ytics add (word(ylevels, i) i - 1) } }
    set xlabel xlabel
    set ylabel ylabel
    set cblabel "share below 0"
    set cbrange [0:1]
    set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
    set view map
    # cells without points stay grey, not the palette's middle
    set object 1 rectangle from graph 0, 0 to graph 1, 1 behind fillcolor rgb "#d9d9d9" \
        fillstyle solid noborder
    plot mapfile using 1:2:3 with image notitle
}
unset multiplot
