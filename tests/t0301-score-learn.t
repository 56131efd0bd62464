#!/bin/sh
# soc-score: learning from analyst feedback, guardrails, model and
# baseline commands.
. "$(dirname "$0")/lib.sh"
F=$FIX/score
plan 17

val() { jq -r '.soc.score | "\(.value) \(.disposition)"' "$1"; }
# The arithmetic below is without the warm-up of young baselines.
nowarm() { mkdir -p "$1" && echo '{"warmup_s": 0}' >"$1/score.json"; }
for d in fp tp st g g4; do nowarm "$T/$d"; done

# Without feedback the second sighting escalates (value 75, see t0300); a
# false positive makes the rule on its host familiar (+3 sightings:
# 40 - 25 log2(5) = -18), lowers the rule's fidelity (10 ln(1/2) = -7)
# and the model (5 features at 0.3 * -0.5 = -0.15 each: -7.5 -> -8); the
# user pairs stay +8 each: -20 - 18 + 8 + 8 - 7 - 8 = -37, value 2.
SOC_HOME=$T/fp soc-score "$F/alert-a.ndjson" >/dev/null
check_exit 'learn a false positive' 0 'SOC_HOME=$T/fp soc-score learn "$F/fp-a.ndjson" 2>fperr'
check 'no audit log: said once' '[ "$(grep -c "no audit log" fperr)" = 1 ]'
SOC_HOME=$T/fp soc-score "$F/alert-a2.ndjson" >fp2
check 'false positive: next identical alert auto-closes' '[ "$(val fp2)" = "2 auto_close" ]'
check 'fidelity factor explains it' \
	'jq -e "[.soc.score.factors[] | select(.name == \"rule_fidelity\") | .points] == [-7]" fp2'
check 'model version counts the verdict' 'jq -e ".soc.score.model.version == 1" fp2'

# A true positive: fidelity 10 ln(2) = +7, model +7.5 -> +8 (round half
# away from zero), pair +15, user pairs +8 +8: -20 + 15 + 8 + 8 + 7 + 8 =
# 26, value 93; without it 75.
SOC_HOME=$T/tp soc-score "$F/alert-a.ndjson" >/dev/null
SOC_HOME=$T/tp soc-score learn "$F/tp-a.ndjson" 2>/dev/null
SOC_HOME=$T/tp soc-score "$F/alert-a2.ndjson" >tp2
check 'true positive raises the next identical alert' '[ "$(val tp2)" = "93 escalate" ]'

# Replaying feedback learns nothing twice.
SOC_HOME=$T/tp soc-score learn "$F/tp-a.ndjson" 2>again
check 'replayed feedback is not learned again' 'grep -q "learned 0 verdicts (1 already known" again'

# Feedback in the main stream is learned and passed on unchanged.
cat "$F/alert-a.ndjson" "$F/fp-a.ndjson" "$F/alert-a2.ndjson" >stream
SOC_HOME=$T/st soc-score stream >sout 2>/dev/null
sed -n 2p sout >fbline
check_same 'feedback passes through' "$F/fp-a.ndjson" fbline
check 'feedback in the stream is learned' '[ "$(sed -n 3p sout | jq -r .soc.score.disposition)" = auto_close ]'
check_exit 'feedback for an unknown alert is reported by learn' 0 \
	'SOC_HOME=$T/st soc-score learn "$F/fp-intel.ndjson" 2>unk && grep -q "no such alert" unk'

# Guardrail: an intel match of confidence 95 never auto-closes, whatever
# the model and fidelity say.  Make the rule noise first.
SOC_HOME=$T/g soc-score "$F/alert-a.ndjson" "$F/alert-a2.ndjson" "$F/alert-a3.ndjson" >/dev/null
for v in 1 2 3; do
	printf '{"soc":{"kind":"feedback"},"feedback":{"target":"a000000000000000000000000000000%s","verdict":"false_positive","by":"bob"}}\n' $v
done >fps
SOC_HOME=$T/g soc-score learn fps 2>/dev/null
sed 's/"intel_max_confidence":95/"intel_max_confidence":0/; s/"confidence":95/"confidence":0/' "$F/intel.ndjson" >nointel
SOC_HOME=$T/g soc-score --no-learn nointel >ni
check 'without intel the noisy rule auto-closes' '[ "$(jq -r .soc.score.disposition ni)" = auto_close ]'
echo '{"intel_weight": 0}' >cfg.json
SOC_HOME=$T/g soc-score --no-learn --config cfg.json "$F/intel.ndjson" >gi
check 'the intel guardrail forbids auto-close' \
	'[ "$(jq -r "[.soc.score.disposition, .soc.score.guardrail] | join(\" \")" gi)" = "escalate intel_match" ]'
# Three sightings (three ids: one alert is learned once) make it familiar.
for i in 1 2 3; do sed "s/b0000000000000000000000000000001/b000000000000000000000000000001$i/" "$F/enriched.ndjson"; done >enriched3
SOC_HOME=$T/g4 soc-score --config cfg.json enriched3 >/dev/null
echo '{"asset_weight": 0, "severity_weight": 0, "privileged_points": 0}' >cfg3.json
SOC_HOME=$T/g4 soc-score --no-learn --config cfg3.json "$F/enriched.ndjson" >ga
check 'the critical-asset guardrail holds on a familiar alert' \
	'[ "$(jq -r "[.soc.score.disposition, .soc.score.guardrail] | join(\" \")" ga)" = "escalate critical_asset" ]'

# model and baseline commands.
check 'model show' 'SOC_HOME=$T/g soc-score model show >ms && jq -e ".version == 3 and (.fidelity | length) == 1" ms'
check 'baseline show a host' 'SOC_HOME=$T/g soc-score baseline show web-1 >bs && grep -q "total=3" bs'
check_exit 'baseline show: nothing known is 1' 1 'SOC_HOME=$T/g soc-score baseline show nosuchhost'
SOC_HOME=$T/g soc-score model reset
check 'model reset' 'SOC_HOME=$T/g soc-score model show >ms2 && jq -e ".version == 0 and (.fidelity | length) == 0" ms2'
done_testing
