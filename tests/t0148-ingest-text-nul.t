#!/bin/sh
# A NUL byte in a text line (syslog, CEF, LEEF, Windows XML, CSV, Zeek TSV)
# or decoded from a Zeek \x00 escape: the line is a reject naming it, in
# auto and forced formats, never a record cut short at the NUL.
. "$(dirname "$0")/lib.sh"
plan 23
export SOC_NOW=2026-11-22T00:00:00Z
F=$FIX/ingest

# nul FORMAT LINE: LINE with a NUL after its 40th byte, then LINE intact.
nul() {
	printf '%s\n' "$2" | head -c 40 >"$T/$1.in"
	printf '\000' >>"$T/$1.in"
	printf '%s\n%s\n' "$(printf '%s' "$2" | tail -c +41)" "$2" >>"$T/$1.in"
}
one() {
	_f=$1
	shift
	check_exit "$_f: exit 65 $*" 65 'soc-ingest '"$*"' "$T/$_f.in" >"$T/out" 2>"$T/err"'
	check "$_f: the NUL line is a reject, the intact one a record $*" \
	    'test "$(wc -l <"$T/out")" -eq 1 && test "$(wc -l <"$T/err")" -eq 1 && grep -q "$_f.in:1: a NUL byte in a text line (byte 41)" "$T/err" && jq -e ".soc.source.line == 2" "$T/out" >/dev/null'
}
nul syslog "$(sed -n 2p "$F/syslog.log")"
one syslog
one syslog -f syslog
nul cef "$(sed -n 1p "$F/cef.log")"
one cef
one cef -f cef
nul leef "$(sed -n 1p "$F/leef.log")"
one leef -f leef
nul winxml "$(sed -n 1p "$F/winxml.log")"
one winxml
one winxml -f windows-xml
{ sed -n 1p "$F/map.csv"; nul csv "$(sed -n 3p "$F/map.csv")"; cat "$T/csv.in"; } >"$T/csv.tmp"
mv "$T/csv.tmp" "$T/csv.in"
check_exit 'csv: exit 65' 65 'soc-ingest -f csv --map "$F/map-csv.json" "$T/csv.in" >"$T/out" 2>"$T/err"'
check 'csv: the NUL line is a reject, the intact one a record' \
    'test "$(wc -l <"$T/out")" -eq 1 && grep -q "csv.in:2: a NUL byte in a text line" "$T/err" && test "$(wc -l <"$T/err")" -eq 1'

# Zeek: a raw NUL, and a \x00 escape in a value and in a header.
{ sed -n 1,8p "$F/zeek-tsv.log"; nul zeek "$(sed -n 9p "$F/zeek-tsv.log")"; cat "$T/zeek.in"; } >"$T/z.tmp"
mv "$T/z.tmp" "$T/zeek.in"
check_exit 'zeek: exit 65' 65 'soc-ingest "$T/zeek.in" >"$T/out" 2>"$T/err"'
check 'zeek: a raw NUL is a reject' \
    'test "$(wc -l <"$T/out")" -eq 1 && grep -q "zeek.in:9: a NUL byte in a text line" "$T/err" && test "$(wc -l <"$T/err")" -eq 1'
{ sed -n 1,8p "$F/zeek-tsv.log"; sed -n 9p "$F/zeek-tsv.log" | sed 's/CAcKeX1DMzGzVT7uZ8/CAc\\x00KeX/'; sed -n 9p "$F/zeek-tsv.log"; } >"$T/zesc.in"
check_exit 'zeek \x00 in a value: exit 65' 65 'soc-ingest "$T/zesc.in" >"$T/out" 2>"$T/err"'
check 'the reject names the field; no record holds "CAc" cut short' \
    'grep -q "zesc.in:9: zeek: field .uid. holds a NUL byte" "$T/err" && test "$(wc -l <"$T/out")" -eq 1 && test "$(jq -r .event.id "$T/out")" = CAcKeX1DMzGzVT7uZ8'
{ sed -n 1,4p "$F/zeek-tsv.log"; printf '#path\tco\\x00nn\n'; sed -n 6,9p "$F/zeek-tsv.log"; } >"$T/zhdr.in"
check_exit 'zeek \x00 in #path: exit 65' 65 'soc-ingest "$T/zhdr.in" >"$T/out" 2>"$T/err"'
check 'the header line is the reject' \
    'grep -q "zhdr.in:5: zeek: a NUL byte" "$T/err" && test "$(wc -l <"$T/err")" -eq 1'
{ sed -n 1,6p "$F/zeek-tsv.log"; sed -n 7p "$F/zeek-tsv.log" | sed 's/\tuid\t/\tu\\x00id\t/'; sed -n 8,9p "$F/zeek-tsv.log"; } >"$T/zfld.in"
check_exit 'zeek \x00 in #fields: a reject, and no schema' 65 \
    'soc-ingest "$T/zfld.in" >"$T/out" 2>"$T/err"; rc=$?; test ! -s "$T/out" && grep -q "zfld.in:7: zeek: a NUL byte" "$T/err" && exit $rc'
done_testing
