#!/bin/sh
# The NDJSON reader against hostile input: binary, NUL bytes, a 10 MiB
# line, deep nesting, invalid UTF-8, CRLF ends, a last line without a
# newline.  Every non-blank line must come out as a record or a reject.
. "$(dirname "$0")/lib.sh"
plan 13

python3 - <<'PY' >hostile.ndjson
import os, random, sys
w = sys.stdout.buffer.write
random.seed(7)
w(b'{"ok":1}\n')
w(bytes(random.randrange(256) for _ in range(3000)).replace(b'\n', b'') + b'\n')
w(b'{"nul":"a\x00b"}\n')
w(b'{"a":1}\x00\n')
w(b'{"big":"' + b'x' * (10 << 20) + b'"}\n')
w(b'[' * 5000 + b']' * 5000 + b'\n')
w(b'{"deep":' + b'[' * 100 + b']' * 100 + b'}\n')
w(b'{"bad":"\xc3\x28"}\n')
w(b'{"crlf":1}\r\n')
w(b'\r\n')
w(b'   \n')
w(b'{"ok":2}\n')
w(b'{"trunc":')
w(b'\n')
w(b'{"last":true}')
PY
# non-blank lines: ok, binary, nul, nul-after, big, nest5000, deep100,
# badutf8, crlf, ok2, trunc, last = 12
check_exit 'hostile input: exit 65 (some rejected)' 65 \
	'soc-cat --rejects rej.ndjson hostile.ndjson >out.ndjson 2>err.txt'
check 'records: ok, crlf, ok2, last' \
	'test "$(wc -l <out.ndjson)" -eq 4'
check 'rejects: binary, 2 NUL, 10 MiB, 2 too deep, bad UTF-8, truncated' \
	'test "$(wc -l <rej.ndjson)" -eq 8'
check 'nothing lost: records + rejects = 12 non-blank lines' \
	'test $(( $(wc -l <out.ndjson) + $(wc -l <rej.ndjson) )) -eq 12'
check 'every reject is valid JSON with soc.kind reject' \
	'test "$(jq -c "select(.soc.kind == \"reject\")" rej.ndjson | wc -l)" -eq 8'
check 'reject line numbers' \
	'test "$(jq -r .soc.reject.line rej.ndjson | tr "\n" " ")" = "2 3 4 5 6 7 8 13 "'
check 'the 10 MiB line is reported with its length, raw kept truncated' \
	'jq -se ".[] | select(.soc.reject.line == 5) | .soc.reject.length == 10485770 and .soc.reject.raw_truncated" rej.ndjson'
check 'invalid UTF-8 raw bytes kept as base64' \
	'jq -se ".[] | select(.soc.reject.line == 8) | .soc.reject.raw_base64 == \"eyJiYWQiOiLDKCJ9\"" rej.ndjson'
check 'stderr names file and line' \
	'grep -q "^soc-cat: hostile.ndjson:5: line longer than 1048576 bytes" err.txt'
check 'CRLF line end removed' 'grep -qx "{\"crlf\":1}" out.ndjson'
check 'last line without newline kept' 'tail -n 1 out.ndjson | grep -qx "{\"last\":true}"'
check_exit 'a larger --max-line: still 65 for the other rejects' 65 \
	'soc-cat --max-line 11M hostile.ndjson >out2.ndjson 2>/dev/null'
check 'a larger --max-line takes the 10 MiB line' \
	'test "$(wc -l <out2.ndjson)" -eq 5'
done_testing
