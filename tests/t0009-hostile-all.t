#!/bin/sh
# Every program over hostile input: binary garbage, NUL bytes, a 10 MiB
# line, deep nesting, invalid UTF-8, truncated lines, empty containers.
# For each program and each kind of input the promise of socpipe(7) is
# checked: every line comes out as a record or a reject (records out +
# rejects = lines in), the stream goes on past the bad lines to the good
# one at the end, and the exit status is exactly 65.
#
# soc-ingest runs with format detection and with each format forced, and
# reports its own accounting with --stats (headers and empty lists are
# counted there, not rejected).  The stages (soc-enrich, soc-score,
# soc-correlate, soc-decide, soc-act, soc-audit append) get the same bad
# lines around a normalised record, and records with duplicate keys or
# without soc.kind.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_all 'jq not installed'
command -v python3 >/dev/null || skip_all 'python3 not installed'
export SOC_NOW=2026-11-22T00:00:00Z
eve='{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_type":"alert","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","alert":{"signature_id":7,"signature":"hostile test","severity":2}}'
echo "$eve" >"$T/eve"
soc-ingest "$T/eve" >"$T/good.rec" 2>/dev/null
good_rec=$(cat "$T/good.rec")

# gen DIR GOOD: one file per kind of hostile input in DIR, each ending in
# the line GOOD, and DIR/KIND.n holding its number of non-blank lines.
gen() {
	mkdir -p "$1"
	python3 - "$1" "$2" <<'PY'
import random, sys
d, good = sys.argv[1], sys.argv[2].encode()
random.seed(10)
def garbage(n):
    return bytes(random.randrange(256) for _ in range(n)).replace(b'\n', b'x')
kinds = {
    'garbage': [garbage(5000), garbage(3) , b'\xff\xfe\x00\x01' * 50],
    'nul': [b'{"a":"x\x00y"}', b'{"a":1}\x00', b'<34>Nov 21 10:00:00 h sshd[1]: a\x00b',
            b'{"a":"x\\u0000y"}', b'CEF:0|V|P|1|1|n\x00|5|src=10.0.0.1'],
    'long': [b'{"big":"' + b'x' * (10 << 20) + b'"}', b'A' * (10 << 20)],
    'deep': [b'[' * 5000 + b']' * 5000, b'{"a":' * 100 + b'1' + b'}' * 100,
             b'[' * 5000, b'{"soc":' * 70 + b'{}' + b'}' * 70],
    'utf8': [b'{"x":"\xc3\x28"}', b'{"\xff":1}', b'<34>Nov 21 10:00:00 h app: caf\xe9',
             b'{"x":"\xed\xa0\x80"}'],
    'trunc': [b'{', b'{"timestamp":"2026-11-21T00:00:00Z","flow_id":1,"event_', b'{"a":',
              b'[', b'{"a":[1,', b'"abc', b'{"a":1}}'],
    'empty': [b'[]', b'{}', b'{"Records":[]}', b'""', b'null', b'0', b'[[]]', b'{"soc":{}}'],
}
for k, lines in kinds.items():
    with open(f'{d}/{k}', 'wb') as f:
        for l in lines:
            f.write(l + b'\n')
        f.write(good + b'\n')
    with open(f'{d}/{k}.n', 'w') as f:
        f.write(str(len(lines) + 1))
PY
}
KINDS='garbage nul long deep utf8 trunc empty'
# Duplicate keys (the last one counts, socpipe-record(7)) and raw vendor
# JSON without soc.kind.
INGEST_KINDS='dupkeys nokind'
gen "$T/in" "$eve"
gen "$T/rec" "$good_rec"
printf '%s\n%s\n%s\n' \
    '{"timestamp":"2026-11-21T00:00:00Z","timestamp":"bad","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1"}' \
    '{"@timestamp":"2026-11-21T00:00:00Z","message":"m","soc":{"kind":"alert"},"soc":{"kind":"reject"},"event":{"kind":"alert"},"event":{"kind":1}}' \
    "$eve" >"$T/in/dupkeys"
echo 3 >"$T/in/dupkeys.n"
printf '%s\n%s\n%s\n' '{"no":"kind"}' '{"soc":{"id":"x"},"message":"no kind"}' "$eve" >"$T/in/nokind"
echo 3 >"$T/in/nokind.n"
cat "$T"/in/garbage "$T"/in/nul "$T"/in/deep "$T"/in/utf8 "$T"/in/trunc "$T"/in/empty >"$T/in/all"
echo $(( $(cat "$T/in/garbage.n") + $(cat "$T/in/nul.n") + $(cat "$T/in/deep.n") + $(cat "$T/in/utf8.n") + $(cat "$T/in/trunc.n") + $(cat "$T/in/empty.n") )) >"$T/in/all.n"

formats=$(soc-ingest --list-formats | awk '{ print $1 }')
nformats=$(echo "$formats" | wc -l)
nk=$(echo $KINDS | wc -w)
nik=$(echo $INGEST_KINDS | wc -w)
STAGES='soc-enrich soc-score soc-correlate soc-decide soc-act'
ns=$(echo $STAGES | wc -w)
plan $(( (nk + nik) * 3 + nformats * 2 + (nk + nik) * ns * 3 + nk * 3 ))

# ingest_check NAME FILE ARGS...: soc-ingest ARGS FILE exits 65, and its
# --stats account for every line, in agreement with what it wrote.
ingest_check() {
	_name=$1 _f=$2
	shift 2
	rm -f "$T/rej"
	check_exit "$_name: exit 65" 65 \
	    'soc-ingest --stats --rejects "$T/rej" '"$*"' "$_f" >"$T/out" 2>"$T/err"'
	check "$_name: records + rejects + headers + empty lists = lines" '
	    s=$(grep "^soc-ingest: [0-9]* lines in," "$T/err") || exit 1
	    set -- $(echo "$s" | tr -cs "0-9" " ")
	    test "$1" -eq "$(cat "$_f.n")" &&
	    test "$2" -eq "$(wc -l <"$T/out")" &&
	    test "$3" -eq "$(wc -l <"$T/rej")" &&
	    test $(( $2 + $3 + $4 + $5 + $6 )) -eq "$1"'
}
for k in $KINDS $INGEST_KINDS; do
	ingest_check "soc-ingest, $k" "$T/in/$k"
	check "soc-ingest, $k: the good line after it is a record" \
	    'tail -n 1 "$T/out" | jq -e ".rule.name == \"hostile test\"" >/dev/null'
done
for f in $formats; do
	ingest_check "soc-ingest -f $f, all kinds" "$T/in/all" -f "$f"
done

# stage_check NAME FILE CMD...: CMD < FILE exits 65 and writes as many
# lines as were not rejected, besides the records it emits (incidents,
# decisions: counted by --stats); the good record is among them.
soc-audit init >/dev/null 2>&1
stage_check() {
	_name=$1 _f=$2
	shift 2
	rm -f "$T/rej"
	check_exit "$_name: exit 65" 65 "$* --rejects \"\$T/rej\" <\"\$_f\" >\"\$T/out\" 2>\"\$T/err\""
	check "$_name: out + rejects = lines (records emitted aside)" \
	    'e=$(sed -n "s/.* \([0-9]*\) emitted, .*/\1/p" "$T/err")
	     test $(( $(wc -l <"$T/out") - ${e:-0} + $(wc -l <"$T/rej") )) -eq "$(cat "$_f.n")"'
	check "$_name: the good record went through" \
	    'test "$(wc -l <"$T/out")" -ge 1 && tail -n 1 "$T/out" | jq -e . >/dev/null'
}
# The stages' duplicate keys (the last soc counts: a last soc that is not
# an object is a reject, a last soc of a kind the stage does not take
# passes) and records without soc.kind, around the good record.
printf '%s\n%s\n%s\n' '{"soc":{"kind":"alert","id":"x"},"soc":[1]}' \
    '{"soc":{"kind":"alert","id":"y"},"soc":{"kind":"weather"}}' "$good_rec" >"$T/rec/dupkeys"
echo 3 >"$T/rec/dupkeys.n"
printf '%s\n%s\n%s\n' '{"no":"kind"}' '{"soc":{"id":"x"},"message":"no kind"}' "$good_rec" >"$T/rec/nokind"
echo 3 >"$T/rec/nokind.n"
for k in $KINDS $INGEST_KINDS; do
	for s in $STAGES; do
		stage_check "$s, $k" "$T/rec/$k" $s --stats
	done
done
for k in $KINDS; do
	stage_check "soc-audit append, $k" "$T/rec/$k" soc-audit append
done
done_testing
