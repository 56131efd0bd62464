#!/bin/sh
# The README's tutorial, run as written (its installation commands aside)
# in a fresh home folder, and each command's output compared with the one
# the README shows: the tutorial stays true as the programs change.  When
# a change alters an output on purpose, paste the new output into the
# README (tests/readme-tutorial.py says which command and line).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || skip_all 'jq not installed'
command -v python3 >/dev/null 2>&1 || skip_all 'python3 not installed'
plan 3
export HOME="$T/home"
mkdir -p "$HOME/soc"
cp -R "$SOC_TOP/examples" "$HOME/soc/"
R=$SOC_TOP/tests/readme-tutorial.py

check_exit 'the tutorial read from README.md' 0 \
	'python3 "$R" script "$SOC_TOP/README.md" "$T/tutorial.sh" && grep -q "^soc-act approve " "$T/tutorial.sh"'
check_exit 'its commands run' 0 '(cd "$HOME/soc" && sh "$T/tutorial.sh" >"$T/run.out" 2>"$T/run.err")'
check_exit 'each prints what the README shows' 0 'python3 "$R" compare "$SOC_TOP/README.md" "$T/run.out"'
