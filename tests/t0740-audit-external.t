#!/bin/sh
# Verification that is not our code: openssl (Ed25519, SHA-256), Python's
# hashlib (leaves, prev chain, tree head, proofs), coreutils sha256sum.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
command -v openssl >/dev/null || skip_all 'openssl not installed'
command -v python3 >/dev/null || skip_all 'python3 not installed'
plan 19

L=$SOC_HOME/audit
mklog 12 || exit 1
printf '{"why":"caf\303\251 \\"quoted\\" \\\\ tab\\t"}\n' | soc-audit append >/dev/null
VK=$(cat "$SOC_HOME/keys/audit.vkey")
NAME=${VK%%+*}

# RFC 8032 TEST 2 through the openssl CLI (it cannot sign empty messages)
printf '\060\052\060\005\006\003\053\145\160\003\041\000' >"$T/spki"
printf '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c' | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >>"$T/spki"
printf '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00' | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$T/sig2"
printf 'r' >"$T/m72"; printf 's' >"$T/m73"
check 'openssl: RFC 8032 TEST 2 verifies' 'openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/spki" -rawin -in "$T/m72" -sigfile "$T/sig2"'
check_exit 'openssl: RFC 8032 TEST 2, message 73 fails' 1 'openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/spki" -rawin -in "$T/m73" -sigfile "$T/sig2"'

# our checkpoint, verified by openssl exactly as the reference shows
awk 'BEGIN{RS="";ORS=""} NR==1{print $0 "\n"; exit}' "$L/checkpoint" >"$T/body"
sed -n "s|^— $NAME ||p" "$L/checkpoint" | base64 -d | tail -c 64 >"$T/sig"
printf '%s' "$VK" | sed 's/^[^+]*+[^+]*+//' | base64 -d | tail -c 32 >"$T/pk.raw"
(printf '\060\052\060\005\006\003\053\145\160\003\041\000'; cat "$T/pk.raw") >"$T/pk.der"
check 'openssl verifies our checkpoint signature' 'openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/pk.der" -rawin -in "$T/body" -sigfile "$T/sig"'
sed '2s/.*/999/' "$T/body" >"$T/body2"
check_exit 'openssl rejects a changed checkpoint body' 1 'openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/pk.der" -rawin -in "$T/body2" -sigfile "$T/sig"'
check 'key id: sha256sum(name LF 0x01 pk) = the vkey id = the signature prefix' '
	id=$( (printf %s "$NAME"; printf "\n\001"; cat "$T/pk.raw") | sha256sum | cut -c1-8) &&
	test "$id" = "$(printf %s "$VK" | cut -d+ -f2)" &&
	test "$id" = "$(sed -n "s|^— $NAME ||p" "$L/checkpoint" | base64 -d | head -c 4 | od -An -tx1 | tr -d " \n")"'
check 'python: key id' '$PYVERIFY --keyid "$VK" >/dev/null'

# every batch header's signature, by openssl over the text python builds
check 'openssl verifies the signature of every batch header' '
	n=0; for k in $(grep -n "\"kind\":\"batch\"" "$L/audit.log" | cut -d: -f1); do
		id=$($PYVERIFY --batch-sig "$L" $((k - 1)) "$T/bt" "$T/bs") || exit 1
		test "$id" = "$(printf %s "$VK" | cut -d+ -f2)" || exit 1
		openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/pk.der" -rawin -in "$T/bt" -sigfile "$T/bs" >/dev/null || exit 1
		n=$((n + 1))
	done; test $n = 3'
check_exit 'openssl rejects a header claiming other lines' 1 'sed "5s/.*/99/" "$T/bt" >"$T/bt2" && openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/pk.der" -rawin -in "$T/bt2" -sigfile "$T/bs"'
cp -a "$L" "$T/tail"; $FORGE append "$T/tail" approval 1
check_exit 'python rejects a forged line past the checkpoint' 1 '$PYVERIFY "$T/tail" >"$T/pt"'

# every leaf, prev and the tree head, by Python
check 'python recomputes every leaf, seq, prev and the tree head' '$PYVERIFY "$L" >"$T/py"'
check 'python and soc-audit agree on the root' 'soc-audit verify --json >"$T/v.json" && grep -q "\"root\":\"$(cut -d" " -f3 "$T/py")\"" "$T/v.json"'
check 'python: every line is canonical (Python json.dumps byte for byte)' '! grep -q noncanonical "$T/py"'
check 'sha256sum: leaf 0 of the log matches the first level-0 hash' '
	h=$( (printf "\000"; head -n1 "$L/audit.log" | tr -d "\n") | sha256sum | cut -c1-64) &&
	soc-audit prove --index 1 >"$T/p1" &&
	test "$(sed -n 4p "$T/p1" | base64 -d | od -An -tx1 | tr -d " \n")" = "$h"'
cp -a "$L" "$T/bad"; sed -i 's/"alert":"A-3",/"alert":"A-4",/' "$T/bad/audit.log"
check_exit 'python rejects a tampered copy' 1 '$PYVERIFY "$T/bad"'

# proofs, round trip through Python for every index and old size
check 'python accepts an inclusion proof for every index' '
	for k in $(seq 0 13); do soc-audit prove --index $k >"$T/p" && $PYVERIFY --proof "$T/p" >/dev/null || exit 1; done'
check 'soc-audit verify-proof accepts every one' '
	for k in $(seq 0 13); do soc-audit prove --index $k >"$T/p" && soc-audit verify-proof "$T/p" >/dev/null || exit 1; done'
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(o["size"], o["note"].split("\n")[2])' "$L/checkpoints.log" >"$T/roots"
check 'python accepts the consistency proof from every recorded size' '
	while read -r m r; do soc-audit consistency --old $m >"$T/c" && $PYVERIFY --consistency "$T/c" --old-root "$r" >/dev/null || exit 1; done <"$T/roots"'
m=$(sed -n 2p "$T/roots" | cut -d" " -f1); r=$(sed -n 2p "$T/roots" | cut -d" " -f2)
soc-audit consistency --old "$m" >"$T/c"
python3 - "$T/c" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
h = bytearray(base64.b64decode(lines[1]))
h[0] ^= 1
lines[1] = base64.b64encode(bytes(h)).decode()
open(sys.argv[1], "w").write("\n".join(lines))
PY
check_exit 'python rejects a consistency proof with one hash flipped' 1 '$PYVERIFY --consistency "$T/c" --old-root "$r"'
check 'openssl verifies every checkpoint in checkpoints.log' '
	n=0; while read -r m r; do n=$((n+1));
	python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])-1])[\"note\"], end=\"\")" "$L/checkpoints.log" $n >"$T/note";
	awk "BEGIN{RS=\"\";ORS=\"\"} NR==1{print \$0 \"\\n\"; exit}" "$T/note" >"$T/b";
	sed -n "s|^— $NAME ||p" "$T/note" | base64 -d | tail -c 64 >"$T/s";
	openssl pkeyutl -verify -pubin -keyform DER -inkey "$T/pk.der" -rawin -in "$T/b" -sigfile "$T/s" >/dev/null || exit 1;
	done <"$T/roots"'
done_testing
