#!/bin/sh
# soc-score: a stream long enough for checkpoints written by the writer
# thread (every 8192 alerts) with feedback in it, on alerts already
# written, and on one still pending.  The expected digest is of what
# soc-score wrote for this stream before baselines were partitions and
# checkpoints were written by a thread (taken again when the model's
# evidence text named whole features, and when the warm-up, the
# hour-of-day spread and silence and the joined escalations changed the
# scores, and when the warm-up's evidence lost a stray "ago"; and when
# event.risk_score and event.risk_score_norm were added: without them the
# bytes are the old digest's, a8b6aa0c...).
. "$(dirname "$0")/lib.sh"
command -v sha256sum >/dev/null 2>&1 || skip_all 'sha256sum not installed'
plan 5

awk 'BEGIN {
	for (i = 0; i < 20000; i++) {
		h = (i * 7919 + int(i / 7)) % 300; r = (i * 31 + int(i / 13)) % 20
		u = (i * 17 + int(i / 5)) % 100; s = i * 30
		printf "{\"@timestamp\":\"2026-01-%02dT%02d:%02d:%02d.000Z\",\"event\":{\"kind\":\"alert\"},\"observer\":{\"product\":\"S\"},\"rule\":{\"id\":\"%d\"},\"host\":{\"name\":\"h%d\"},\"user\":{\"name\":\"u%d\"},\"source\":{\"ip\":\"10.0.%d.%d\"},\"soc\":{\"kind\":\"alert\",\"id\":\"s%05d\",\"severity\":%d}}\n", \
		    5 + int(s / 86400), int(s / 3600) % 24, int(s / 60) % 60, s % 60, \
		    r, h, u, int(h / 256), h % 256, i, 20 + (i * 13) % 60
		if (i == 9500 || i == 18000)
			printf "{\"soc\":{\"kind\":\"feedback\"},\"feedback\":{\"target\":\"s%05d\",\"verdict\":\"false_positive\",\"by\":\"a\"}}\n{\"soc\":{\"kind\":\"feedback\"},\"feedback\":{\"target\":\"s%05d\",\"verdict\":\"true_positive\",\"by\":\"a\"}}\n", \
			    i == 9500 ? 100 : 9000, i == 9500 ? 9400 : 17500
	}
}' >stream
want=fa8e22c43fc6ec7eea815a67548c96c3537249d14aa8f09653ec5f0044f0dc6d

check_exit 'a long stream with feedback' 0 'SOC_HOME=$T/a soc-score stream >out 2>err'
check 'the same bytes as before' '[ "$(sha256sum <out | cut -c1-64)" = $want ]'
check 'four verdicts learned' \
	'SOC_HOME=$T/a soc-score model show >m && jq -e ".version == 4" m'
# The same stream in two runs: what the first committed is what the
# second starts from.
head -n 10002 stream >s1
tail -n +10003 stream >s2
SOC_HOME=$T/b soc-score s1 >out2 2>/dev/null
SOC_HOME=$T/b soc-score s2 >>out2 2>/dev/null
check_same 'two runs give what one gave' out out2
SOC_HOME=$T/c soc-score stream >out3 2>/dev/null
check_same 'and a replay' out out3
