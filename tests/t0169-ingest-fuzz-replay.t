#!/bin/sh
# The text parsers' fuzz targets (cef, syslog, zeek, winxml, csv),
# soc-ingest's JSON reader (ingest-json) and its documents over several
# lines (ingest-doc) replay their corpora: no crash,
# no sanitizer report (in a SANITIZE=1 build), every seed run.
. "$(dirname "$0")/lib.sh"
: "${SOC_BUILD:=$SOC_TOP/build/out}"
plan 14
for n in cef syslog zeek winxml csv ingest-json ingest-doc; do
	f="$SOC_BUILD/fuzz/fuzz-$n"
	if [ ! -x "$f" ]; then
		skip "fuzz-$n not built"
		skip "fuzz-$n not built"
		continue
	fi
	check_exit "fuzz-$n: replay" 0 "'$f' '$SOC_TOP/fuzz/corpus/fuzz-$n' >replay.out"
	check "fuzz-$n: every seed ran" \
	    "[ \"\$(cat replay.out)\" = \"replayed \$(ls '$SOC_TOP/fuzz/corpus/fuzz-$n' | wc -l) inputs\" ]"
done
done_testing
