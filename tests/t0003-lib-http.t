#!/bin/sh
# The HTTP module's defensive defaults against a test server on 127.0.0.1.
. "$(dirname "$0")/lib.sh"
plan 10
start_httpd --max-requests 50 --lifetime 30
U="http://127.0.0.1:$HTTPD_PORT"

check 'a plain request' \
	'soc-http --allow-http "$U/ok" >o && grep -q "^status=200 " o'
check_exit 'http refused unless allowed' 69 'soc-http "$U/ok" >o'
check 'the refusal says why' 'grep -q "error=URL scheme not allowed" o'
check_exit 'file:// refused' 69 'soc-http --allow-http file:///etc/passwd >o'
check '429 with Retry-After' \
	'soc-http --allow-http "$U/status/429" >o && grep -q "^status=429 retry_after=1 " o'
check_exit 'a body over the cap is refused' 69 \
	'soc-http --allow-http --max 1000 "$U/big?bytes=200000" >o'
check 'the cap is named' 'grep -q "error=.*larger than 1000 bytes\|error=.*[Mm]aximum file size" o'
check_exit 'a slow server times out' 69 \
	'soc-http --allow-http --timeout 300 "$U/slow?ms=2000" >o'
check 'redirects are followed' \
	'soc-http --allow-http "$U/redirect?to=/ok" >o && grep -q "^status=200 " o'
check 'an API key header reaches the server and no output' \
	'soc-http --allow-http -H "x-apikey: SECRETVALUE" "$U/ok" >o 2>&1 &&
	 ! grep -q SECRETVALUE o && grep -q "\"x-apikey\": \"<set>\"" "$HTTPD_LOG"'
done_testing
