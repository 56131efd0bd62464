# audit-lib.sh: helpers for the soc-audit shell tests (sourced after
# lib.sh).  Attacker tooling is deliberately not ours: Python for the
# tree, openssl for Ed25519.
FORGE="python3 $SOC_TOP/tests/audit-forge.py"
PYVERIFY="python3 $SOC_TOP/tests/audit-verify.py"
export SOC_NOW=2026-01-02T03:04:05.000Z

# mklog N: init the default log and append N entries {"i":0..N-1}, batched.
mklog() {
	soc-audit init --origin soc.test/audit/t >/dev/null || return 1
	i=0
	: >"$T/.entries"
	while [ "$i" -lt "$1" ]; do
		printf '{"alert":"A-%d","i":%d}\n' "$i" "$i" >>"$T/.entries"
		i=$((i + 1))
	done
	[ "$1" -eq 0 ] || soc-audit append --batch 7 <"$T/.entries" >/dev/null
}

# seed_der KEYFILE OUT: the Ed25519 private key as PKCS#8 DER for openssl.
seed_der() {
	python3 - "$1" "$2" <<'PY'
import base64, sys
s = open(sys.argv[1]).read().strip()
raw = base64.b64decode(s.split("+", 4)[4])
assert raw[0] == 1 and len(raw) == 33
open(sys.argv[2], "wb").write(bytes.fromhex("302e020100300506032b657004220420") + raw[1:])
PY
}

# sign_note KEYFILE BODYFILE: print a signed note of BODYFILE, signed with
# KEYFILE by openssl (the attacker holding a stolen key).
sign_note() {
	seed_der "$1" "$T/.k.der" || return 1
	openssl pkeyutl -sign -inkey "$T/.k.der" -keyform DER -rawin \
	    -in "$2" -out "$T/.sig" 2>/dev/null || return 1
	python3 - "$1" "$2" "$T/.sig" <<'PY'
import base64, hashlib, sys
s = open(sys.argv[1]).read().strip()
_, _, name, kid, key = s.split("+", 4)
body = open(sys.argv[2], "rb").read()
sig = open(sys.argv[3], "rb").read()
sys.stdout.write(body.decode() + "\n\u2014 " + name + " " +
    base64.b64encode(bytes.fromhex(kid) + sig).decode() + "\n")
PY
}

# line N FILE: line N (1-based) of FILE
line() { sed -n "$1p" "$2"; }

# seqof PATTERN [LOGDIR]: the seq (0-based line) of the first entry of the
# log holding the fixed string PATTERN
seqof() {
	n=$(grep -nF -m1 -- "$1" "${2:-$SOC_HOME/audit}/audit.log" | cut -d: -f1)
	[ -n "$n" ] && echo $((n - 1))
}

# reason CODE [SEQ]: the last `verify --json` report, in $T/v.json, has
# this reason (and this first bad seq)
reason() {
	grep -q "\"reason\":\"$1\"" "$T/v.json" || { cat "$T/v.json"; return 1; }
	[ -z "${2:-}" ] || grep -q "\"first_bad_seq\":$2," "$T/v.json" || { cat "$T/v.json"; return 1; }
}
