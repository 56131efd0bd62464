# listen-lib.sh: soc-listen in tests (after lib.sh).
#
#   start_listen OUT ARGS...   start soc-listen ARGS with stdout to OUT
#                              (a file) and stderr to OUT.err; sets LPID
#                              and UDP, TCP, TLS, HOOK (the ports bound)
#   stop_listen                SIGTERM, then its exit status in LRC
#   send KIND PORT N TAG ...   tests/syslog-send.py

start_listen() {
	_out=$1; shift
	soc-listen "$@" >"$_out" 2>"$_out.err" &
	LPID=$!
	_want=0
	for _a in "$@"; do case $_a in --udp|--tcp|--tls|--webhook) _want=$((_want + 1)) ;; esac; done
	_i=0
	while [ "$(grep -c '^soc-listen: listening on' "$_out.err")" -lt $_want ] && [ $_i -lt 600 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	port_of() { awk -v k="$1" '$4 == k { n = split($5, a, ":"); print a[n] }' "$_out.err"; }
	UDP=$(port_of udp) TCP=$(port_of tcp) TLS=$(port_of tls) HOOK=$(port_of http)
}

stop_listen() {
	kill -TERM "$LPID" 2>/dev/null
	wait "$LPID"
	LRC=$?
}

send() {
	python3 "$SOC_TOP/tests/syslog-send.py" "$@"
}
