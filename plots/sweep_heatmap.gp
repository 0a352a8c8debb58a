# A two-dimensional sweep as a heatmap: one cell per grid point. Reads the
# .tsv file 'cybertrust plot' derives from sweep.csv: x, y, z rows, one block
# (index) per panel, where z is a metric of one state or, for a sweep that
# also varies a two-valued setting (hotline, joint_unit), the second value's
# minus the first's. Variables: datafile, outfile, term, title1, title2,
# xlabel, ylabel, zlabel, panels (how many), panel1.. (their titles),
# diverging (1: the values cross zero: a palette diverging from zero, and
# the zero contour), difference (1: z is a difference), zmin, zmax, x1, x2,
# y1, y2 (the axes' ranges).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced  # names hold underscores, not subscripts
ascii = strstrt(term, "dumb") > 0
set xlabel xlabel
set ylabel ylabel offset -1, 0  # a two-line label clears the tics
set cblabel zlabel
if (diverging) {
    limit = abs(zmin) > abs(zmax) ? abs(zmin) : abs(zmax)
    set palette defined (-1 "#b2182b", 0 "#f7f7f7", 1 "#2166ac")
    set cbrange [-limit:limit]
} else {
    # sequential: light for the lowest value, dark for the highest
    set palette defined (0 "#fff7bc", 0.5 "#fe9929", 1 "#662506")
    if (zmax > zmin) { set cbrange [zmin:zmax] } else { set cbrange [zmin - 0.5:zmax + 0.5] }
}
set xrange [x1:x2]  # half a step beyond the end values: whole edge cells
set yrange [y1:y2]
set view map
set contour base
set cntrparam levels discrete 0
unset clabel
set key at screen 0.5, screen 0.02 center bottom horizontal
zero = difference ? "zero: the conclusion flips" : "zero"
if (panels > 1) {
    set multiplot layout 1, panels title title1 . "\n" . title2
    unset colorbox
} else {
    set title title1 . "\n" . title2
}
# the dumb terminal shows no colours: there each cell shows its value (macros
# are expanded as a line is read, so these are set before the loop)
cells = ascii ? "labels" : "image"
cellz = ascii ? "3:(sprintf('%.2g', $3))" : "3"
do for [i=1:panels] {
    if (panels > 1) { set title value(sprintf("panel%d", i)) }
    if (panels > 1 && i == panels) { set colorbox }
    if (panels > 1 && i > 1) { unset ylabel }
    # dumb cannot rotate text: there the y label stands above the axis
    if (ascii && i == 1) { set label 1 ylabel at graph 0, graph 1.06 left }
    if (diverging) {
        splot datafile index (i - 1) using 1:2:@cellz with @cells notitle nocontour, \
              datafile index (i - 1) using 1:2:3 with lines nosurface lw 3 lc "black" title zero
    } else {
        splot datafile index (i - 1) using 1:2:@cellz with @cells notitle nocontour
    }
    unset label 1
}
if (panels > 1) { unset multiplot }
