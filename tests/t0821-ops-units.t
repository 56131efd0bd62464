#!/bin/sh
# examples/ops: the systemd units (systemd-analyze verify, else their
# shape), the logrotate configuration (logrotate -d), the cron file's
# lines, and the shell scripts' syntax, including the live unit's
# pipeline.
. "$(dirname "$0")/lib.sh"
plan 7
O=$SOC_TOP/examples/ops

check 'the scripts parse' 'sh -n "$O/soc-hourly" && sh -n "$O/soc-approvals"'
# The live pipeline is a sh -c string inside the unit.
sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" "$O/socpipe-live.service" >live.sh
check 'the live unit runs a pipeline that parses, from soc-ingest --follow --resume to soc-act' \
	'test -s live.sh && sh -n live.sh && grep -q "soc-ingest --follow --resume .*| soc-act" live.sh'

mkdir units
for u in socpipe-live.service socpipe-hourly.service socpipe-hourly.timer; do
	sed "s|/usr/local/libexec/socpipe/soc-hourly|$O/soc-hourly|" "$O/$u" >units/$u
done
if command -v systemd-analyze >/dev/null 2>&1; then
	check_exit 'systemd-analyze verify: 0' 0 \
		'(cd units && systemd-analyze verify --man=no ./socpipe-live.service \
		    ./socpipe-hourly.service ./socpipe-hourly.timer)'
else
	check 'the units: sections and Key=value lines only' \
		'! grep -Ev "^(#.*|\[(Unit|Service|Timer|Install)\]|[A-Za-z]+=.*|)$" units/*'
fi
check 'the timer starts the hourly service; both are installable' \
	'grep -qx "OnCalendar=hourly" units/socpipe-hourly.timer &&
	 grep -qx "Type=oneshot" units/socpipe-hourly.service &&
	 grep -qx "WantedBy=timers.target" units/socpipe-hourly.timer &&
	 grep -qx "WantedBy=multi-user.target" units/socpipe-live.service'

if command -v logrotate >/dev/null 2>&1; then
	mkdir -p var/log/suricata var/log/socpipe
	sed "s|/var/log/|$T/var/log/|g" "$O/socpipe.logrotate" >lr.conf
	chmod 644 lr.conf
	check_exit 'logrotate -d reads the configuration: 0' 0 'logrotate -d -s lr.state lr.conf >lr.out 2>&1'
	check 'without an error, the three stanzas' \
		'! grep -i "error" lr.out && test "$(grep -c "^rotating pattern" lr.out)" -eq 3'
else
	skip 'logrotate not installed'
	skip 'logrotate not installed'
fi
check 'the cron file: settings, and jobs of five times, a user and a command' \
	'awk "/^#/ || /^\$/ { next } /^[A-Z_]+=/ { next }
	     NF >= 7 && \$6 == \"root\" { next } { print; bad = 1 } END { exit bad }" "$O/socpipe.cron"'
