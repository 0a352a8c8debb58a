#!/bin/sh
# Regenerates docs/img/headline.svg, the README's headline answer as one
# picture: the joint unit minus the hotline, for the United States and Russia,
# at the strategies each state would choose (the selected equilibria), with
# 95% confidence intervals. The same two commands as in the README:
#   cybertrust equilibrium scenarios/us_russia_hotline.cfg \
#       scenarios/us_russia_joint_unit_2017.cfg --out DIR
#   cybertrust plot DIR --format svg     (DIR/equilibrium_differences.svg)
# The result does not depend on the machine or the thread count, so the file's
# bytes are the same on every run. Usage: docs/img/make.sh [PATH/TO/cybertrust]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-cybertrust}
case $bin in */*) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
cd "$root"
"$bin" equilibrium scenarios/us_russia_hotline.cfg scenarios/us_russia_joint_unit_2017.cfg \
    --out "$out/headline" --quiet
"$bin" plot "$out/headline" --format svg 2>/dev/null
cp "$out/headline/equilibrium_differences.svg" "$here/headline.svg"
echo "wrote $here/headline.svg"
