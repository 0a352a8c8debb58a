# The meta-game as heatmaps: per scenario (rows) and state (columns), the
# state's mean total payoff in every pair of strategies, the first state's
# strategies in rows and the second's in columns; the cells of each Nash
# equilibrium's support outlined (solid: pure, dashed: mixed). Reads
# metagame.tsv, which 'cybertrust plot' derives from equilibrium.json: col,
# row, mean rows, one block (index) per panel. Variables: datafile, outfile,
# term, title, rows (scenarios shown), panel1.. (titles), eq1.. ("row col
# pure" triples), nsa, sa1.. and nsb, sb1.. (the strategy labels), player1,
# player2 (the axis labels: who plays the rows, who the columns).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator "\t"
set termoption noenhanced
ascii = strstrt(term, "dumb") > 0
set palette defined (0 "#fff7bc", 0.5 "#fe9929", 1 "#662506")
set cblabel "payoff units (darker: higher)"
set xlabel player2
set ylabel player1
set xrange [0.5:nsb + 0.5]
set yrange [nsa + 0.5:0.5]
set xtics () rotate by -40 font ",9"
set ytics () font ",9"
# the dumb terminal has no room for the labels: there the strategies are numbered
do for [k=1:nsb] { set xtics add ((ascii ? sprintf("%d", k) : value(sprintf("sb%d", k))) k) }
do for [i=1:nsa] { set ytics add ((ascii ? sprintf("%d", i) : value(sprintf("sa%d", i))) i) }
if (ascii) { set xtics norotate; set xlabel "rows: " . player1 . ", columns: " . player2 . " (numbered)"; unset ylabel }
set tics scale 0
set view map
set key off
set multiplot layout rows, 2 title title . "\noutlined: the strategies of each Nash equilibrium (solid: pure, dashed: mixed)"
do for [p=1:2 * rows] {
    set title value(sprintf("panel%d", p))
    eq = value(sprintf("eq%d", p))
    do for [w=1:words(eq):3] {
        r = real(word(eq, w)); q = real(word(eq, w + 1)); pure = word(eq, w + 2) eq "1"
        width = pure ? 4 : 2.5; dash = pure ? 1 : 2  # "dt (expr)" would read as a dash pattern
        set object w rect from q - 0.5, r - 0.5 to q + 0.5, r + 0.5 front fs empty border lc "black" lw width dt dash
    }
    if (ascii) {
        plot datafile index (p - 1) using 1:2:(sprintf("%.3g", $3)) with labels
    } else {
        plot datafile index (p - 1) using 1:2:3 with image
    }
    unset object
}
unset multiplot
