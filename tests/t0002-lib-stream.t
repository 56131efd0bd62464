#!/bin/sh
# The stream contract of libsoc: pass-through byte for byte, splicing,
# live flushing, a closed pipe, write errors, exit codes.
. "$(dirname "$0")/lib.sh"
plan 11

printf '%s\n' \
  '{"n":0.1,"e":1E2,"z":-0,"s":"\u00e9\"\\","k":{"b":1,"a":[1.50,true,null]}}' \
  '{ "spaced" : 1 , "soc" : { "kind" : "alert" } }' >in.ndjson
check 'pass-through is byte for byte' \
	'soc-cat in.ndjson >out.ndjson && cmp in.ndjson out.ndjson'
printf '%s\n' \
  '{"n":0.1,"e":1E2,"z":-0,"s":"\u00e9\"\\","k":{"b":1,"a":[1.50,true,null]},"soc":{"test":{"x":0.1}}}' \
  '{ "spaced" : 1 , "soc" : { "kind" : "alert" ,"test":{"x":0.1}} }' >want.ndjson
check 'splice touches only soc.test' \
	'soc-cat -s "{\"x\":0.1}" in.ndjson >spliced.ndjson'
check_same 'spliced output' want.ndjson spliced.ndjson
check 're-splice replaces in place' \
	'soc-cat -s "{\"x\":0.1}" spliced.ndjson >twice.ndjson && cmp want.ndjson twice.ndjson'
check 'field read by dotted path' \
	'test "$(soc-cat -p k.a.0 in.ndjson | head -n 1)" = "1.50"'

# Live: the first record must come out while the writer still holds the
# pipe open (flush before a blocking read).
mkfifo fifo
check 'a record is flushed before the next blocking read' '
	( printf "{\"live\":1}\n"; sleep 3; printf "{\"live\":2}\n" ) >fifo &
	soc-cat <fifo >live.ndjson &
	pid=$!
	i=0; while [ $i -lt 20 ] && ! grep -q live live.ndjson; do sleep 0.1; i=$((i+1)); done
	grep -q "\"live\":1" live.ndjson && ! grep -q "\"live\":2" live.ndjson
	r=$?; wait $pid; exit $r'

python3 -c 'import sys
for i in range(200000): sys.stdout.write("{\"i\":%d}\n" % i)' >many.ndjson
check 'a closed pipe ends quietly (no error message)' \
	'soc-cat many.ndjson 2>err.txt | head -n 1 >/dev/null; ! grep -qi "error\|broken" err.txt'
check_exit 'exit status 0 on a closed pipe' 0 \
	'sh -c "soc-cat many.ndjson 2>/dev/null; echo \$? >rc" | head -n 1 >/dev/null; test "$(cat rc)" = 0'
check_exit 'write error (full disk) exits 74' 74 'soc-cat many.ndjson >/dev/full 2>/dev/null'
check_exit 'missing rejects directory exits 74' 74 \
	'soc-cat --rejects /nonexistent/dir/r.ndjson in.ndjson >/dev/null 2>&1'
check_exit 'bad --max-line is a usage error (64)' 64 \
	'soc-cat --max-line 12Q in.ndjson >/dev/null 2>&1'
done_testing
