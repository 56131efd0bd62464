#!/bin/sh
# zeek TSV: header blocks, sets, vectors, unset and empty fields, escapes
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 8
golden zeek-tsv zeek-tsv.log

# A "#" line that is none of Zeek's header lines, after a header, is a
# reject (it was dropped as a header); the data after it still maps.
export SOC_NOW=2026-11-22T00:00:00Z
{ sed -n 1,9p "$FIX/ingest/zeek-tsv.log"; echo '# hand-written note'; echo '#fieldz	ts'
  sed -n 10p "$FIX/ingest/zeek-tsv.log"; } >"$T/stray.log"
check_exit 'stray # lines: exit 65' 65 'soc-ingest "$T/stray.log" >"$T/out" 2>"$T/err"'
check 'both are rejects naming their lines' \
    'grep -q "stray.log:10: zeek: not a Zeek header line" "$T/err" && grep -q "stray.log:11: zeek: not a Zeek header line" "$T/err" && test "$(wc -l <"$T/err")" -eq 2'
check 'the data lines around them are records' 'test "$(wc -l <"$T/out")" -eq 2'
check_exit 'the same with -f zeek: exit 65' 65 'soc-ingest -f zeek "$T/stray.log" >"$T/out" 2>"$T/err"'
check 'two records, two rejects' 'test "$(wc -l <"$T/out")" -eq 2 && test "$(wc -l <"$T/err")" -eq 2'
done_testing
