#!/bin/sh
# Key files: created 0600 with O_EXCL, never
# overwritten; refused when loose, a symlink, or someone else's; verify
# needs only the public key.
. "$(dirname "$0")/lib.sh"
. "$SOC_TOP/tests/audit-lib.sh"
plan 14

K=$SOC_HOME/keys/audit.key
check 'keygen under umask 000 still makes a 0600 key' '(umask 000; soc-audit keygen --origin soc.test/k --out "$T/g" >"$T/g.out") && test "$(stat -c %a "$T/g.key")" = 600'
check 'keygen prints the vkey, never the key' 'grep -qx "$(cat "$T/g.vkey")" "$T/g.out" && ! grep -q PRIVATE "$T/g.out"'
check_exit 'keygen refuses to overwrite: 64' 64 'soc-audit keygen --origin soc.test/k --out "$T/g"'
check_exit 'keygen with a bad origin: 64' 64 'soc-audit keygen --origin "bad name" --out "$T/h"'
mklog 3 || exit 1
for mode in 644 604 620 660 606; do
	chmod $mode "$K"
	check_exit "append refuses a $mode key: 77" 77 'echo "{}" | soc-audit append 2>"$T/err"'
done
check 'the message names the permissions' 'grep -q "too open" "$T/err"'
chmod 640 "$K"
check 'group read (0640) is accepted' 'echo "{}" | soc-audit append >/dev/null'
chmod 600 "$K"
mv "$K" "$T/real.key"; ln -s "$T/real.key" "$K"
check_exit 'a symlinked key is refused: 77' 77 'echo "{}" | soc-audit append 2>"$T/err" && false; grep -q "symbolic link" "$T/err" && exit 77'
rm "$K"; mv "$T/real.key" "$K"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$K"
	check_exit 'a key owned by someone else is refused: 77' 77 'echo "{}" | soc-audit append'
	chown 0 "$K"
else
	skip 'not root: cannot give the key away'
fi
chmod 644 "$K"
check_exit 'verify still works with a loose private key (public key only)' 0 'soc-audit verify'
done_testing
