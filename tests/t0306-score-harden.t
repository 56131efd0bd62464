#!/bin/sh
# soc-score against the defects of issue 10: an empty string read from a
# record, ... (each test failed before its fix).
. "$(dirname "$0")/lib.sh"
plan 2

# An empty verdict was read into an unterminated buffer (an ASan
# heap-buffer-overflow in the sanitizer build).
echo '{"soc":{"kind":"feedback"},"feedback":{"target":"x","verdict":"","by":"a"}}' >empty
check_exit 'an empty verdict is ignored, not over-read' 0 'soc-score learn empty 2>err'
check 'and said so' 'grep -q "unknown verdict .. ignored" err'

done_testing
