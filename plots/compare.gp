# Scenarios side by side for one state, from compare.csv ('cybertrust compare
# --out DIR'). Top: payoff and net security per round in each scenario, mean
# with its 95% CI (both: higher is better). Bottom: the paired differences of
# every component, each scenario minus the first (common random numbers), with
# 95% CIs; below each component, which way is better, since losses and costs
# count up and payoffs down. Variables: datafile, outfile, term, state (the
# id), statename, n (scenarios), label1.. (their labels in compare.csv), name1..
# (their names), ndiff (the rows of paired differences of the state: none when
# no other scenario has a state of its id).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set datafile columnheaders
ascii = strstrt(term, "dumb") > 0
label(k) = value(sprintf("label%d", k))
name(k) = value(sprintf("name%d", k))
offset(k, m) = m > 1 ? (k - 1.0) / (m - 1) * 0.4 - 0.2 : 0
set grid ytics
set xzeroaxis lt -1
set key outside top center horizontal
set multiplot layout 2, 1 title sprintf("%s: the scenarios compared with common random numbers", statename)

# top: the levels
set tmargin 5  # room for the key below the titles
lidx(m) = m eq "payoff_per_round" ? 1 : m eq "net_security" ? 2 : 0
keep(k) = strcol("scenario") eq label(k) && strcol("minus") eq "" && strcol("state") eq state && lidx(strcol("metric")) > 0
set title "each scenario: mean and 95% CI (higher is better)"
ylab = "payoff units per round"
set ylabel ylab
set xrange [0.5:2.5]
if (ascii) {
    set xtics ("payoff per round" 1, "net security" 2)
    set label 1 ylab at graph 0, graph 1.06 left
} else {
    set xtics ("payoff per round" 1, "net security\n(-(third-party loss + exploitation loss))" 2)
}
plot for [k=1:n] datafile using (lidx(strcol("metric")) + offset(k, n)):(keep(k) ? column("mean") : NaN):(keep(k) ? column("ci_lo") : NaN):(keep(k) ? column("ci_hi") : NaN) with yerrorbars pt 7 ps 1.2 lw 2 lc k title name(k)

# bottom: the paired differences
metrics = "payoff_per_round net_security legitimacy exploitation_gain third_party_loss exploitation_loss share_cost pushback shaming"
idx(m) = sum [i=1:words(metrics)] (word(metrics, i) eq m ? i : 0)
dkeep(k) = strcol("scenario") eq label(k) && strcol("minus") eq label(1) && strcol("state") eq state && idx(strcol("metric")) > 0
unset label 1
set title sprintf("paired differences from %s: mean and 95%% CI", name(1))
ylab = "difference, payoff units per round"
set ylabel ylab
set xrange [0.5:words(metrics) + 0.5]
if (ascii) {
    set title "paired differences from the first scenario (+: up is better, -: up is worse)"
    set xtics ("payoff+" 1, "security+" 2, "legit+" 3, "expl.gain+" 4, "3rdparty-" 5, "exploited-" 6, "cost-" 7, "pushbk-" 8, "shame-" 9)
    set label 1 ylab at graph 0, graph 1.06 left
} else {
    set xtics ("payoff\n(up: better)" 1, "net security\n(up: better)" 2, "legitimacy\n(up: better)" 3, "exploitation\ngain\n(up: better)" 4, "third-party\nloss\n(up: worse)" 5, "exploitation\nloss\n(up: worse)" 6, "share cost\n(up: worse)" 7, "pushback\n(up: worse)" 8, "shaming\n(up: worse)" 9)
}
set yrange [*<0:0<*]
set bmargin 5  # room for the three-line tics
if (ndiff == 0) {
    set label 2 sprintf("no paired differences: no other scenario has a state with the id %s", state) at graph 0.5, graph 0.5 center
    set yrange [-1:1]
    plot NaN notitle
    unset multiplot
    exit
}
plot for [k=2:n] datafile using (idx(strcol("metric")) + offset(k - 1, n - 1)):(dkeep(k) ? column("mean") : NaN):(dkeep(k) ? column("ci_lo") : NaN):(dkeep(k) ? column("ci_hi") : NaN) with yerrorbars pt 7 ps 1.2 lw 2 lc k title name(k) . " minus " . name(1)
unset multiplot
