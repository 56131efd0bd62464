# lib.sh: TAP helpers for socpipe's shell tests (after mblaze's t/lib.sh).
#
#   . "$(dirname "$0")/lib.sh"
#   plan 3
#   check 'what' 'command'              passes when the command exits 0
#   check_exit 'what' CODE 'command'    passes when it exits with CODE exactly
#   check_same 'what' FILE1 FILE2       passes when the files are equal
#   skip_all 'reason'                   the whole file skips
#
# Each test runs in its own scratch directory $T (removed at exit), with
# its own state directory, and stdin from /dev/null.  Programs are found
# in $SOC_BIN (set by make check).

set -u
: "${SOC_TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SOC_BUILD:=$SOC_TOP/build/out}"
: "${SOC_BIN:=$SOC_BUILD/bin}"
PATH="$SOC_BIN:$SOC_BUILD/tests/tools:$PATH"
export PATH SOC_TOP SOC_BIN SOC_BUILD
CORPUS="$SOC_TOP/../shared/corpus"
FIX="$SOC_TOP/tests/fixtures"
T=$(mktemp -d "${TMPDIR:-/tmp}/socpipe-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export SOC_HOME="$T/state"
unset XDG_STATE_HOME SOC_NOW
cd "$T" || exit 1
exec </dev/null
_n=0
_fail=0

plan() { printf '1..%s\n' "$1"; }

skip_all() { printf '1..0 # SKIP %s\n' "$1"; exit 0; }

_result() {
	_n=$((_n + 1))
	if [ "$1" = ok ]; then
		printf 'ok %d - %s\n' "$_n" "$2"
	else
		printf 'not ok %d - %s\n' "$_n" "$2"
		_fail=$((_fail + 1))
	fi
}

check() {
	_what=$1; shift
	if ( eval "$*" ) >"$T/.out" 2>&1; then
		_result ok "$_what"
	else
		_result fail "$_what"
		sed 's/^/# /' "$T/.out" | head -n 40
	fi
}

# A crash (status >= 128 from a signal, or a sanitizer's report) never
# counts as the expected failure.
check_exit() {
	_what=$1; _want=$2; shift 2
	( eval "$*" ) >"$T/.out" 2>&1
	_got=$?
	if [ "$_got" -eq "$_want" ] && ! grep -q 'Sanitizer\|runtime error:' "$T/.out"; then
		_result ok "$_what"
	else
		_result fail "$_what (exit $_got, want $_want)"
		sed 's/^/# /' "$T/.out" | head -n 40
	fi
}

check_same() {
	_what=$1
	if cmp -s "$2" "$3"; then
		_result ok "$_what"
	else
		_result fail "$_what"
		diff -u "$2" "$3" | head -n 40 | sed 's/^/# /'
	fi
}

skip() { _n=$((_n + 1)); printf 'ok %d # SKIP %s\n' "$_n" "$1"; }

done_testing() {
	[ "$_fail" -eq 0 ]
}

# start_server NAME SCRIPT [ARGS...]: start tests/SCRIPT (a loopback
# server on tests/srvlib.py: it takes PORTFILE first, writes its port
# there and logs to PORTFILE.log) in the background; sets PORT, SLOG and
# SERVER_PID.  Every server started is stopped at exit; stop_server stops
# the last one.  A server that has not started in 30 s (a loaded machine)
# ends the test.
_servers=
start_server() {
	_name=$1 _script=$2
	shift 2
	rm -f "$T/$_name.port"
	: >"$T/$_name.port.log"
	python3 -B "$SOC_TOP/tests/$_script" "$T/$_name.port" "$@" &
	SERVER_PID=$!
	_servers="$_servers $SERVER_PID"
	_i=0
	while [ ! -s "$T/$_name.port" ] && [ $_i -lt 600 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ -s "$T/$_name.port" ] || { echo "# $_script did not start" >&2; exit 1; }
	PORT=$(cat "$T/$_name.port")
	SLOG="$T/$_name.port.log"
	trap 'kill $_servers 2>/dev/null; rm -rf "$T"' EXIT
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
}

# start_httpd [ARGS...]: start tests/httpd.py (start_server); sets
# HTTPD_PORT and HTTPD_LOG.  A second call starts a second server (another
# origin: a redirect's target), and sets HTTPD_PORT and HTTPD_LOG to its
# own.
_httpds=0
start_httpd() {
	_hn=httpd
	[ "$_httpds" -gt 0 ] && _hn=httpd.$_httpds
	_httpds=$((_httpds + 1))
	start_server "$_hn" httpd.py "$@"
	HTTPD_PORT=$PORT HTTPD_LOG=$SLOG
}
