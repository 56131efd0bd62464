#!/bin/sh
# The HTTP module's defensive defaults against a test server on 127.0.0.1.
. "$(dirname "$0")/lib.sh"
plan 14
start_httpd --max-requests 50 --lifetime 300
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
check 'no redirect is followed by default: the 3xx is the answer' \
	'soc-http --allow-http "$U/redirect?to=/ok" >o && grep -q "^status=302 " o &&
	 grep -q "^redirect=$U/ok$" o'
check 'allowed redirects to the same origin are followed' \
	'soc-http --allow-http --redirects 2 "$U/redirect?to=/ok" >o && grep -q "^status=200 " o'
check 'at most as many as allowed' \
	'soc-http --allow-http --redirects 1 "$U/redirect?to=/redirect%3Fto%3D/ok" >o &&
	 grep -q "^status=302 " o'
# Another origin (the same host, another port) never gets the request,
# and so never the key libcurl would have sent along.
U1=$U L1=$HTTPD_LOG
start_httpd --max-requests 10 --lifetime 300
U2="http://127.0.0.1:$HTTPD_PORT"
check 'a redirect to another origin is not followed' \
	'soc-http --allow-http --redirects 3 -H "x-apikey: SECRETVALUE" "$U1/redirect?to=$U2/steal" >o &&
	 grep -q "^status=302 " o && grep -q "^redirect=$U2/steal$" o'
check 'the other origin saw nothing' '[ ! -s "$HTTPD_LOG" ]'
HTTPD_LOG=$L1
check 'an API key header reaches the server and no output' \
	'soc-http --allow-http -H "x-apikey: SECRETVALUE" "$U/ok" >o 2>&1 &&
	 ! grep -q SECRETVALUE o && grep -q "\"x-apikey\": \"<set>\"" "$HTTPD_LOG"'
done_testing
