#!/bin/sh
# soc-score: the score of hand-made alerts, pass-through, determinism,
# field order, --no-learn, exit codes.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
plan 34

score() { jq -c '.soc.score | [.value, .disposition, [.factors[] | [.name, .points]]]' "$@"; }
# The factors' arithmetic without the warm-up of young baselines (its
# own tests are at the end): warmup_s 0 in every state used here.
nowarm() { mkdir -p "$1" && echo '{"warmup_s": 0}' >"$1/score.json"; }
nowarm "$SOC_HOME"

# First seen: prior -20, rule on host +40, user from address and user on
# host +20 each (half of 40): 60 points, 100 / (1 + e^-6) = 99.75.
check_exit 'first alert scored' 0 'soc-score "$F/alert-a.ndjson" >out1'
score out1 >got
echo '[100,"escalate",[["prior",-20],["rule_entity",40],["user_source",20],["user_host",20]]]' >want
check_same 'first-seen factors and value' want got

# One second later the pair was seen once: 40 - 25 log2(2) = 15, the
# other pairs (15 - 0) / 2 = 7.5, rounded 8: 11 points, value 75.
soc-score "$F/alert-a2.ndjson" >out2
score out2 >got
echo '[75,"escalate",[["prior",-20],["rule_entity",15],["user_source",8],["user_host",8]]]' >want
check_same 'second sighting: rarity falls' want got
# Twice seen: 40 - 25 log2(3) = 0.4, nothing but the prior: value 12.
soc-score "$F/alert-a3.ndjson" >out3
score out3 >got
echo '[12,"auto_close",[["prior",-20]]]' >want
check_same 'familiar alert auto-closes' want got

# Everything but soc.score and ECS's event.risk_score and
# event.risk_score_norm (the value again) passes through byte for byte.
sed 's/,"score":{.*}}}$/}}/; s/,"risk_score":\([0-9]*\),"risk_score_norm":\1}/}/' out1 >stripped
check_same 'only soc.score and event.risk_score{,_norm} are added' "$F/alert-a.ndjson" stripped
check_exit 'other kinds: exit 0' 0 'soc-score --no-learn "$F/passthrough.ndjson" >pass'
check_same 'non-alert records pass byte for byte' "$F/passthrough.ndjson" pass

# Enrichment: severity 90 -> (90 - 50) * 0.4 = 16, asset criticality 95
# -> (95 - 50) * 0.3 = 13.5 -> 14, privileged +10.
SOC_HOME=$T/s2 soc-score "$F/enriched.ndjson" >enr
jq -c '[.soc.score.factors[] | select(.name == "severity" or .name == "asset" or .name == "identity") | .points]' enr >got
echo '[16,14,10]' >want
check_same 'severity, asset and identity factors' want got
check 'evidence is words a person reads' \
	'jq -e ".soc.score.factors[] | select(.name == \"user_country\") | .evidence | test(\"first time seen: user alice from country RU\")" enr'

# Intel 95: 95 * 0.5 = 47.5 -> 48.
SOC_HOME=$T/s3 soc-score "$F/intel.ndjson" >intel
check 'intel factor' 'jq -e "[.soc.score.factors[] | select(.name == \"intel\") | .points] == [48]" intel'

# Determinism: the same input and state give the same bytes.
cat "$F/alert-a.ndjson" "$F/alert-a2.ndjson" "$F/alert-a3.ndjson" "$F/intel.ndjson" >all
SOC_HOME=$T/sd1 soc-score all >d1
SOC_HOME=$T/sd2 soc-score all >d2
check_same 'replay gives identical output' d1 d2
SOC_HOME=$T/sd1 soc-score --no-learn all >d3
SOC_HOME=$T/sd2 soc-score --no-learn all >d4
check_same 'replay on the same state gives identical output' d3 d4

# Field order does not change the score.
SOC_HOME=$T/so1 soc-score "$F/alert-a.ndjson" | jq -c .soc.score >o1
SOC_HOME=$T/so2 soc-score "$F/alert-a-reordered.ndjson" | jq -c .soc.score >o2
check_same 'scoring unaffected by field order' o1 o2

# --no-learn changes no state, and creates none.
sum1=$(cksum <"$SOC_HOME/score.db")
soc-score --no-learn all >/dev/null
sum2=$(cksum <"$SOC_HOME/score.db")
check '--no-learn leaves score.db unchanged' '[ "$sum1" = "$sum2" ]'
SOC_HOME=$T/none soc-score --no-learn all >/dev/null
check '--no-learn creates no state' '[ ! -e "$T/none/score.db" ]'

# Exit codes.
printf '%s\n' '{"soc":{"kind":"alert"' >bad
cat bad "$F/alert-a.ndjson" >mixed
check_exit 'a bad line is rejected, the rest scored: 65' 65 'soc-score --no-learn mixed >m 2>merr'
check 'the good record was still scored' 'jq -e .soc.score.value m'
check 'the reject names file and line' "grep -q 'mixed:1:' merr"
check_exit 'missing input: 66' 66 'soc-score --no-learn nosuchfile'
check_exit 'unknown option: 64' 64 'soc-score --bogus'
echo '{"escalate": 20, "monitor": 30}' >cfg.json
check_exit 'monitor above escalate: 78' 78 'soc-score --config cfg.json </dev/null'
echo '{"escalat": 20}' >cfg2.json
check_exit 'unknown setting: 78' 78 'soc-score --config cfg2.json </dev/null'

# Records that break the contract: a soc that is no object is a reject
# that says so; a soc.severity out of 0-100 is no evidence (and no
# overflow: a SANITIZE=1 build would stop on one).
printf '%s\n' '{"@timestamp":"2026-01-05T00:00:00.000Z","message":"m","event":{"kind":"alert"},"rule":{"id":"r"},"host":{"name":"h"},"soc":true}' >notobj
check_exit 'soc not an object: a reject, 65' 65 'soc-score --no-learn notobj >n 2>nerr'
check 'the reject says why' "grep -q 'notobj:1: soc is not an object' nerr"
printf '%s\n' '{"@timestamp":"2026-01-05T00:00:00.000Z","message":"m","event":{"kind":"alert"},"rule":{"id":"r"},"host":{"name":"h"},"soc":{"kind":"alert","id":"0123456789abcdef0123456789abcdef","severity":-9223372036854775808}}' >sev
check_exit 'soc.severity far out of range: scored, 0' 0 'soc-score --no-learn sev >s 2>serr'
check 'no severity factor from it' 'jq -e "[.soc.score.factors[].name] | index(\"severity\") == null" s >/dev/null'

# Warm-up: with empty baselines everything is new, so novelty counts
# (held / warmup_s)^2: nothing at first (-20 + 80 - 80: value 12), all of
# it two days (warmup_s) later.
SOC_HOME=$T/sw1 soc-score "$F/alert-a.ndjson" >w1
score w1 >w1.got
cat >want <<'W'
[12,"auto_close",[["prior",-20],["rule_entity",40],["user_source",20],["user_host",20],["warmup",-80]]]
W
check_same 'warm-up: a first alert on empty baselines closes' want w1.got
sed 's/2026-01-05T10/2026-01-07T10/; s/"root"/"alice"/; s/web-1/web-2/; s/a0000000000000000000000000000001/a0000000000000000000000000000011/' \
    "$F/alert-a.ndjson" >later
SOC_HOME=$T/sw1 soc-score later >w2
score w2 >w2.got
check 'two days later novelty counts in full' \
	'[ "$(jq -c ".[2] | map(.[0]) | index(\"warmup\")" w2.got)" = null ] && [ "$(jq -r ".[1]" w2.got)" = escalate ]'

# Activity (event.kind "event") is context and behaviour: its novelty
# counts activity_weight (a quarter) without a risky context: a flow
# first seen, -20 + 40 - 30 = -10, value 27, auto_close; with an intel
# match it counts in full.
nowarm "$T/act"
printf '%s\n' '{"@timestamp":"2026-01-05T10:00:00.000Z","event":{"kind":"event","dataset":"suricata.eve"},"observer":{"product":"Suricata"},"rule":{"id":"flow"},"host":{"name":"10.0.0.5"},"soc":{"kind":"alert","id":"e0000000000000000000000000000001"}}' >flow
SOC_HOME=$T/act soc-score flow >f1
score f1 >f1.got
cat >want <<'W'
[27,"auto_close",[["prior",-20],["rule_entity",40],["activity",-30]]]
W
check_same 'activity: novelty alone does not escalate' want f1.got
check 'the activity factor says why' \
	'jq -e ".soc.score.factors[] | select(.name == \"activity\") | .evidence | test(\"event.kind .event.\")" f1 >/dev/null'
sed 's/"e0000000000000000000000000000001"}/"e0000000000000000000000000000002","enrich":{"intel":[{"indicator":"10.0.0.5"}],"intel_max_confidence":40}}/; s/"flow"/"flow2"/' flow >flowi
SOC_HOME=$T/act soc-score flowi >f2
check 'with intel the same activity escalates, undiscounted' \
	'[ "$(jq -r ".soc.score.disposition" f2)" = escalate ] && jq -e "[.soc.score.factors[].name] | index(\"activity\") == null" f2 >/dev/null'

# One event, several rules: the second alert on the host in the same
# second joins the first escalation (monitor, soc.score.joined); one
# event seen by two sensors: the same rule in the same second elsewhere.
nowarm "$T/sj"
sed 's/"5712"/"5715"/; s/a0000000000000000000000000000001/a0000000000000000000000000000021/' "$F/alert-a.ndjson" >second
cat "$F/alert-a.ndjson" second >pair
SOC_HOME=$T/sj soc-score pair >j
jq -r '[.soc.score.disposition, .soc.score.joined // "-"] | join(" ")' j >j.got
cat >want <<'W'
escalate -
monitor entity web-1
W
check_same 'the same second on the same host joins the escalation' want j.got
sed 's/web-1/web-2/; s/"root"/"bob"/; s/a0000000000000000000000000000001/a0000000000000000000000000000022/' "$F/alert-a.ndjson" >other
cat "$F/alert-a.ndjson" other >pair2
nowarm "$T/sj3"
SOC_HOME=$T/sj3 soc-score pair2 >j3
check 'the same rule in the same second on another host joins too' \
	'[ "$(sed -n 2p j3 | jq -r "[.soc.score.disposition, .soc.score.joined] | join(\" \")")" = "monitor rule sshd: brute force" ]'
echo '{"warmup_s": 0, "join_s": 0}' >"$T/sj/score.json"
SOC_HOME=$T/sj2 soc-score --config "$T/sj/score.json" pair >j2
check 'join_s 0: each escalates' '[ "$(jq -r .soc.score.disposition j2 | sort -u)" = escalate ]'
done_testing
