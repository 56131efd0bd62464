#!/bin/sh
# Replay every fuzz target's corpus (seeds and kept crash inputs) through
# its non-libFuzzer build, under the sanitizers in a SANITIZE=1 build.
# A target that hangs on an input (a lexer standing still) fails after
# ten minutes instead of holding make check for ever.
. "$(dirname "$0")/lib.sh"
n=0
for f in "$SOC_BUILD"/fuzz/fuzz-*; do [ -x "$f" ] && n=$((n + 1)); done
[ "$n" -gt 0 ] || skip_all 'no fuzz targets built'
plan "$n"
for f in "$SOC_BUILD"/fuzz/fuzz-*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	check "replay $name corpus" "timeout 600 \"$f\" \"$SOC_TOP/fuzz/corpus/$name\""
done
done_testing
