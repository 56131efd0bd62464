#!/bin/sh
# The EXAMPLES of every man page run as written (STYLE: examples in man
# pages are run by a test), on the bundled samples named as the examples
# name their files.  Blocks that need what a test cannot have (a live
# /var/log, --follow's endless reading, a log of 1,235 entries, a JSON
# configuration shown rather than run) are listed and skipped by name.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
export SOC_NOW=2026-11-22T12:00:00Z HOME="$T/home"
mkdir -p "$HOME"
E=$SOC_TOP/examples
cp "$E/suricata-eve.json" eve.json
cp "$E/auth.log" auth.log
cp "$E/cloudtrail.json" cloudtrail.log
cp "$E/assets.csv" "$E/zones.csv" "$E/policy.json" .
cp "$E/identities.csv" identities.csv
mkdir examples && cp "$E"/act*.json examples/
[ -e incidents.ndjson ] || cp "$FIX/decide/incidents.ndjson" .
cp "$FIX/enrich/intel/feed.csv" feodo.csv
cp "$FIX/enrich/intel/bundle.json" bundle.json
cp "$FIX/enrich/intel/event.misp.json" event.json
cp "$FIX/enrich/intel/blocklist.txt" drop.txt
soc-ingest eve.json >alerts.ndjson
soc-score --no-learn alerts.ndjson >archive.ndjson
cp archive.ndjson scored.ndjson

# Every literal display of EXAMPLES, one file per block, mdoc escapes
# turned into what a shell reads.
n=0
for m in "$SOC_TOP"/man/*.[17]; do
	awk -v out="$T/ex" -v page="$(basename "$m")" '
	/^\.Sh EXAMPLES/ { on = 1; next }
	/^\.Sh / { on = 0 }
	on && /^\.Bd -literal/ { b++; f = sprintf("%s.%s.%d", out, page, b); inb = 1; next }
	on && /^\.Ed/ { inb = 0; close(f); next }
	on && inb { print > f }
	on && /^\.Dl / { b++; f = sprintf("%s.%s.%d", out, page, b); sub(/^\.Dl /, ""); print > f; close(f) }
	' "$m"
done
for f in "$T"/ex.*; do n=$((n + 1)); done
plan "$n"
for f in "$T"/ex.*; do
	name=${f#"$T"/ex.}
	sed -i 's/\\e/\\/g; s/\\(em/\xe2\x80\x94/g' "$f"
	case $(head -c 1 "$f") in
	'{'|'[') skip "$name: a configuration file, not a command"; continue ;;
	esac
	if grep -q -e '/var/' -e '--follow' -e '--index 1234' "$f"; then
		skip "$name: needs a live system"
		continue
	fi
	case $name in
	soc-audit.1.2)	# the auditor's copy of the log, the vkey they kept
		cp -r "$SOC_HOME/audit" . && mkdir -p "$HOME/trusted" &&
		cp "$SOC_HOME/keys/audit.vkey" "$HOME/trusted/" ;;
	soc-audit.1.4)
		cp "$SOC_HOME/audit/checkpoint" . && cp "$SOC_HOME/keys/audit.vkey" . ;;
	soc-audit.1.5)	# after 1.4, which made pk.der
		cp "$SOC_HOME/audit/audit.log" "$SOC_HOME/audit/checkpoint" . ;;
	esac
	check "$name runs: $(head -n 1 "$f" | cut -c 1-60)" \
		"bash -o pipefail -e \"$f\" >\"$f.out\" 2>\"$f.err\" || { s=\$?; [ \$s -eq 65 ] && grep -q rejects \"$f\"; }"
done
done_testing
