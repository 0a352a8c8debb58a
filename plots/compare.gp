# Scenarios side by side: each payoff component of one state, mean with its 95%
# confidence interval, one colour per scenario. Reads compare.csv from
# 'cybertrust compare --out DIR'. Variables:
#   datafile, outfile, term, title,
#   state (the state id), statename, scenarios (the scenario labels, space-separated).
set terminal @term
if (outfile ne "") { set output outfile }  # "" writes to the terminal (stdout)
set datafile separator ","
set termoption noenhanced  # names hold underscores, not subscripts
set datafile columnheaders
metrics = "payoff_per_round net_security third_party_loss exploitation_loss exploitation_gain share_cost pushback shaming legitimacy"
labels = "payoff net-security third-party-loss exploitation-loss exploitation-gain share-cost pushback shaming legitimacy"
ascii = strstrt(term, "dumb") > 0
if (ascii) { labels = "payoff security 3rdparty exploited exploiter cost pushbk shame legit" }
idx(m) = sum [i=1:words(metrics)] (word(metrics, i) eq m ? i : 0)
n = words(scenarios)
offset(k) = n > 1 ? (k - 1.0) / (n - 1) * 0.5 - 0.25 : 0
set title title
ylab = sprintf("%s: payoff units per round (mean, 95%% CI)", statename)
set ylabel ylab
set xrange [0.5:words(metrics) + 0.5]
if (ascii) { set xtics norotate } else { set xtics rotate by -30 }
set xtics (word(labels, 1) 1)
do for [i=2:words(metrics)] { set xtics add (word(labels, i) i) }
set grid ytics
if (ascii) { set key below } else { set key outside right top }
set xzeroaxis
keep(k) = strcol("scenario") eq word(scenarios, k) && strcol("minus") eq "" && strcol("state") eq state && idx(strcol("metric")) > 0
# dumb cannot rotate text: there the y label stands above the axis
if (strstrt(term, "dumb") > 0) { set label 1 ylab at graph 0, graph 1.06 left }
plot for [k=1:n] datafile using (idx(strcol("metric")) + offset(k)):(keep(k) ? column("mean") : NaN):(keep(k) ? column("ci_lo") : NaN):(keep(k) ? column("ci_hi") : NaN) with yerrorbars pt 7 ps 1.2 lw 2 title word(scenarios, k)
