#!/bin/sh
# soc-pull: every source pages as its product does, and a cursor carries
# each run on from where the last stopped: every event exactly once over
# runs that meet new events, rate limits, revoked tokens, a page limit and
# a kill -9 during a fetch; no credential anywhere.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/pull-lib.sh"
command -v python3 >/dev/null && command -v curl >/dev/null || skip_all 'python3 and curl needed'
plan 30
# The second data request of each source is rate limited (429 with
# Retry-After: 1) or finds its token revoked (401).
cat >script.json <<'EOF2'
{"okta": ["ok", "429"], "signins": ["ok", "401"], "audits": ["ok", "429"],
 "alerts_v2": ["ok", "401"], "mde": ["ok", "429"], "cs": ["ok", "401"],
 "cs-entities": ["ok", "ok", "429"], "google": ["ok", "429"]}
EOF2
start_pullsrv --script script.json
pull_config pull.json
since=2026-11-01T00:00:00Z

# ids SOURCE:SRV:PATH FILE...: the vendor ids in FILEs, sorted.
ids() { _p=${1##*:}; shift; cat "$@" | jq -r "$_p" | sort; }
# want SRV N: the ids pullsrv.py gives its first N events, sorted.
want() {
	case $1 in
	okta) f=okta-%04d ;; signins|alerts_v2) f=$1-%04d ;; audits) f=Directory_%04d ;;
	mde) f=da-%04d ;; cs) f=cid:ind:%04d ;; google) f=1%03d ;;
	esac
	seq 0 $(($2 - 1)) | while read -r n; do printf "$f\n" "$n"; done | sort
}

for s in $PULL_SOURCES; do
	name=${s%%:*}; srv=${s#*:}; srv=${srv%%:*}
	check_exit "$name: a first run" 0 \
		"soc-pull --config pull.json --since $since --stats $name >$name.1 2>$name.e1"
	reveal "$srv" 23
	soc-pull --config pull.json $name >$name.2 2>$name.e2
	reveal "$srv" 37
	soc-pull --config pull.json --max-pages 2 $name >$name.3 2>$name.e3
	soc-pull --config pull.json $name >$name.4 2>$name.e4
	ids "$s" $name.1 $name.2 $name.3 $name.4 >$name.got
	want "$srv" 37 >$name.want
	check_same "$name: four runs, every event exactly once" $name.want $name.got
done
check 'the first run read 10 events in 4 or 5 pages, each source' \
	'for s in $PULL_SOURCES; do n=${s%%:*}; grep -q "^soc-pull: $n: [45] pages, 10 events" $n.e1 || exit 1; done'
check 'each source met a 429 or a revoked token, and went on' \
	'[ "$(grep -c "\"status\": 429" "$PLOG")" -ge 5 ] &&
	 [ "$(grep -c "\"path\": \"/login/.*token\"" "$PLOG")" -ge 8 ] &&
	 [ "$(grep -c "\"path\": \"/cs/oauth2/token\"" "$PLOG")" -ge 2 ] &&
	 [ "$(grep -c "\"fail\": \"bad or revoked bearer token\"" "$PLOG")" -eq 3 ] &&
	 [ "$(grep -c "\"fail\"" "$PLOG")" -eq 3 ]'
check 'the pages went through soc-ingest, one record each' \
	'cat okta-logs.[1234] | soc-ingest >okta.rec && [ "$(wc -l <okta.rec)" -eq 37 ] &&
	 [ "$(jq -r .soc.source.format okta.rec | sort -u)" = okta ] &&
	 cat crowdstrike-alerts.[1234] | soc-ingest >cs.rec &&
	 [ "$(jq -r .soc.id cs.rec | sort -u | wc -l)" -eq 37 ]'

# A kill -9 while a page is fetched (its answer comes after 5 s): the
# next run fetches it again; nothing is lost or written twice.
cat >slow.json <<'EOF2'
{"signins": ["ok", "ok", "slow"]}
EOF2
kill $PULLSRV_PID; wait $PULLSRV_PID 2>/dev/null
start_pullsrv --script slow.json
pull_config pull.json
reveal signins 20
soc-pull --state k --config pull.json --since $since graph-signins >k.1 2>k.e1 &
pid=$!
i=0
while [ "$(jq .pages k/pull/graph-signins.json 2>/dev/null)" != 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
check_exit 'a second run while the first holds the cursor' 75 \
	'soc-pull --state k --config pull.json graph-signins >busy 2>busy.e'
check 'it says so and writes nothing' 'grep -q "being pulled by another run" busy.e && [ ! -s busy ]'
kill -9 $pid; wait $pid 2>/dev/null
check 'killed after two pages written' '[ "$(wc -l <k.1)" -eq 6 ]'
check_exit 'the next run' 0 'soc-pull --state k --config pull.json graph-signins >k.2 2>k.e2'
ids graph-signins:signins:.id k.1 k.2 >k.got
want signins 20 >k.want
check_same 'each event once across the kill' k.want k.got

# Rate limited past max_wait_s: exit 75, the cursor where it was.
cat >limit.json <<'EOF2'
{"okta": ["ok", "429", "429"]}
EOF2
kill $PULLSRV_PID; wait $PULLSRV_PID 2>/dev/null
start_pullsrv --script limit.json
pull_config pull.json
jq '."okta-logs".retry.max_wait_s = 0' pull.json >p0.json
check_exit 'a 429 longer than max_wait_s: retry later' 75 \
	'soc-pull --state r --config p0.json --since $since okta-logs >r.1 2>r.e1'
check 'the first page is out, the error names the rate limit' \
	'[ "$(wc -l <r.1)" -eq 3 ] && grep -q "okta-logs: rate limited: HTTP 429" r.e1'
check_exit 'the next run goes on' 0 'soc-pull --state r --config pull.json okta-logs >r.2 2>r.e2'
ids okta-logs:okta:.uuid r.1 r.2 >r.got
want okta 10 >r.want
check_same 'each event once across the rate limit' r.want r.got

check_exit 'a source without configuration' 78 'soc-pull --config pull.json nosuch 2>e'
check_exit 'a missing credential' 78 'env -u OKTA_TOKEN soc-pull --state m --config pull.json okta-logs >m.out 2>e'
check 'no credential in any output, message or cursor' \
	'! grep -rl S3CR3T . --exclude=script.json --exclude="pull.port*" --exclude=slow.json --exclude=limit.json'
check 'the example cron file: jobs of five times, a user and a command that parses' \
	'grep -v "^#" "$SOC_TOP/examples/ops/soc-pull.cron" | grep "^[*0-9]" >jobs &&
	 [ -s jobs ] && awk "NF < 7 { exit 1 }" jobs &&
	 cut -d" " -f7- jobs | sed "s/\\\\%/%/g" >jobs.sh && sh -n jobs.sh && grep -q "soc-pull .* | soc-ingest" jobs.sh'
