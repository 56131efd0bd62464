#!/bin/sh
# leef: 1.0 TAB and '|' forms, 2.0 delimiters (^, x5E, 0x7C), devTime/devTimeFormat, rejects
. "$(dirname "$0")/lib.sh"
. "$FIX/ingest/golden.sh"
plan 3
golden leef leef.log
done_testing
