# A two-dimensional sweep as a phase diagram, with the zero contour marked.
# Reads heatmap.csv, which 'cybertrust plot' derives from sweep.csv: x, y, z on
# the grid (its column names are in its '#' lines), where z is a metric of one state or, for a sweep that also varies a
# two-valued setting (hotline, joint_unit), the second value's minus the first's.
# Variables: datafile, outfile, term, title, xlabel, ylabel, zlabel.
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set title title
set xlabel xlabel
ylab = ylabel
set ylabel ylab
set cblabel zlabel
set palette defined (-1 "#b2182b", 0 "#f7f7f7", 1 "#2166ac")
stats datafile using 3 nooutput
limit = abs(STATS_min) > abs(STATS_max) ? abs(STATS_min) : abs(STATS_max)
if (limit == 0) limit = 1
set cbrange [-limit:limit]
set autoscale fix
set view map
set contour base
set cntrparam levels discrete 0
unset clabel
set key outside right top
# dumb cannot rotate text: there the y label stands above the axis
if (strstrt(term, "dumb") > 0) { set label 1 ylab at graph 0, graph 1.06 left }
splot datafile using 1:2:3 with pm3d notitle nocontour, \
      datafile using 1:2:3 with lines nosurface lw 3 lc "black" title "zero: the conclusion flips"
