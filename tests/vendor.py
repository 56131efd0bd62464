#!/usr/bin/env python3
"""Products' APIs on 127.0.0.1, as soc-act's built-in connectors meet them.

    vendor.py PORTFILE [--lifetime SECONDS] [--script FILE]

Binds an ephemeral port on 127.0.0.1, writes it to PORTFILE, and answers
as each product documents its API, under a path prefix per product
(/cs CrowdStrike, /mde Defender for Endpoint, /login Entra tokens, /s1
SentinelOne, /okta, /graph, /google, /aws-iam, /aws-ec2 and /aws-sm
Secrets Manager (SigV4 checked in full), /panos, /cf Cloudflare, /slack, /teams, /pd PagerDuty, /jira,
/snow ServiceNow, /hive TheHive).  Every request is checked exactly:
method, path, query, headers, body and credentials; one that is not what
the product expects gets the product's error status and a line
{"fail": REASON} in PORTFILE.log, beside one line per request (method,
path, the body; credentials are never logged).

A script (JSON: {"KEY": ["401", "429", "500", "slow", "garbage", "ok"]})
makes the N-th request whose KEY (product.action, e.g. "cs.contain")
answers the N-th behaviour, then "ok": "401" revokes every token issued
so far (an OAuth2 client must fetch a new one), "429" asks to come back
after Retry-After: 1, "slow" waits 5 s, "garbage" answers 200 with text
that is not JSON.  Exits by itself after SECONDS (default 60).
"""
import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler

import srvlib
from srvlib import Bad, log, need, behaviour

# The credentials the tests give soc-act through the environment.
CRED = {
    "cs": ("cs-client-S3CR3T-id", "cs-client-S3CR3T-secret"),
    "entra": ("entra-app-S3CR3T-id", "entra-app-S3CR3T-secret"),
    "s1": "s1-token-S3CR3T",
    "okta": "okta-token-S3CR3T",
    "google": "ya29.google-S3CR3T",
    "aws": ("AKIAS3CR3TEXAMPLE", "aws-secret-S3CR3T/key+value"),
    "panos": "panos-key-S3CR3T",
    "cf": "cf-token-S3CR3T",
    "slack": "xoxb-slack-S3CR3T",
    "teams": "teams-token-S3CR3T",
    "pd": "pd-routing-S3CR3T",
    "jira": "soc@corp.example:jira-token-S3CR3T",
    "snow": "soc-int:snow-pass-S3CR3T",
    "hive": "hive-key-S3CR3T",
}
TENANT = "11111111-2222-3333-4444-555555555555"
DEVICES = {"4d5e6f708192a3b4c5d6e7f8091a2b3c"}
MACHINES = {"1e5bc9d7e413ddd7902c2932e418702b84d0cc07"}
AGENTS = {"1177432512412312345"}
USERS = {"00u1abcd2EFGH3ijk4x5", "alice@corp.example"}

opts = srvlib.options("vendor.py", {"--lifetime": 60.0, "--script": ""})
srvlib.load_script(opts["--script"])

lock = srvlib.lock
tokens = set()
ntok = 0
state = {"cs_dev": {}, "mde": {}, "aws_keys": {}, "ec2_groups": {}, "mde_ind": {}}
SECRETS = {"socpipe/access-keys/ci-deploy"}


def new_token(prefix):
    global ntok
    with lock:
        ntok += 1
        t = "%s-tok-S3CR3T-%d" % (prefix, ntok)
        tokens.add(t)
    return t


def sigv4_check(h, method, rawpath, query, body, region, service):
    auth = h.get("Authorization", "")
    need(auth.startswith("AWS4-HMAC-SHA256 "), "no SigV4 Authorization", 403)
    parts = dict(p.strip().split("=", 1) for p in auth[17:].split(","))
    cred = parts["Credential"].split("/")
    need(cred[0] == CRED["aws"][0], "unknown access key id", 403)
    need(cred[2:] == [region, service, "aws4_request"],
         "credential scope %s, want %s/%s" % ("/".join(cred[2:]), region, service), 403)
    amzdate = h.get("X-Amz-Date", "")
    need(amzdate[:8] == cred[1], "X-Amz-Date does not match the scope", 403)
    signed = parts["SignedHeaders"].split(";")
    need("host" in signed and "x-amz-date" in signed, "host and x-amz-date must be signed", 403)
    canon_q = "&".join(sorted(query.split("&"))) if query else ""
    hl = {k.lower(): v for k, v in h.items()}
    canon_h = "".join("%s:%s\n" % (k, " ".join(hl.get(k, "").split())) for k in signed)
    creq = "\n".join([method, rawpath, canon_q, canon_h, ";".join(signed),
                      hashlib.sha256(body).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, "/".join(cred[1:]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + CRED["aws"][1]).encode()
    for m in (cred[1], region, service, "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    need(hmac.compare_digest(sig, parts["Signature"]), "SigV4 signature does not match", 403)


def bearer(h, want=None):
    a = h.get("Authorization", "")
    need(a.startswith("Bearer "), "no bearer token", 401)
    tok = a[7:]
    if want is not None:
        need(tok == want, "wrong bearer token", 401)
    else:
        with lock:
            ok = tok in tokens
        need(ok, "token not valid (expired or revoked)", 401)


def basic(h, want):
    a = h.get("Authorization", "")
    need(a == "Basic " + base64.b64encode(want.encode()).decode(), "wrong basic credentials", 401)


def ctype(h, want):
    need(h.get("Content-Type", "").split(";")[0].strip() == want,
         "Content-Type %r, want %s" % (h.get("Content-Type"), want), 415)


def jbody(body):
    try:
        return json.loads(body)
    except ValueError:
        raise Bad(400, "body is not JSON")


def xml_answer(action, inner, ns):
    return ("<%sResponse xmlns=\"%s\">%s<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
            "</RequestId></ResponseMetadata></%sResponse>" % (action, ns, inner, action)).encode(), {"Content-Type": "text/xml"}


def aws_iam(f):
    ns = "https://iam.amazonaws.com/doc/2010-05-08/"
    need(f.get("Version") == "2010-05-08", "bad Version")
    a = f.get("Action")
    if a == "UpdateAccessKey":
        need(set(f) == {"Action", "Version", "UserName", "AccessKeyId", "Status"} and
             f["Status"] in ("Active", "Inactive") and f["AccessKeyId"].startswith("AKIA") and
             f["UserName"], "bad parameters %r" % f)
        return ("aws.iam",) + (200,) + xml_answer(a, "", ns)
    if a == "CreateAccessKey":
        need(set(f) == {"Action", "Version", "UserName"} and f["UserName"], "bad parameters %r" % f)
        with lock:
            n = len(state["aws_keys"]) + 1
            kid, sec = "AKIANEWKEY%010d" % n, "new-S3CR3T-secret/%d+key" % n
            state["aws_keys"][kid] = sec
        inner = ("<CreateAccessKeyResult><AccessKey><UserName>%s</UserName><AccessKeyId>%s</AccessKeyId>"
                 "<Status>Active</Status><SecretAccessKey>%s</SecretAccessKey><CreateDate>2026-12-04T17:00:00Z"
                 "</CreateDate></AccessKey></CreateAccessKeyResult>" % (f["UserName"], kid, sec))
        return ("aws.create_key", 200) + xml_answer(a, inner, ns)
    if a in ("AttachUserPolicy", "DetachUserPolicy"):
        need(set(f) == {"Action", "Version", "UserName", "PolicyArn"} and
             f["PolicyArn"] == "arn:aws:iam::aws:policy/AWSDenyAll" and f["UserName"], "bad parameters %r" % f)
        return ("aws." + a[:6].lower() + "_policy", 200) + xml_answer(a, "", ns)
    raise Bad(400, "InvalidAction: " + str(a))


def aws_ec2(f):
    ns = "http://ec2.amazonaws.com/doc/2016-11-15/"
    need(f.get("Version") == "2016-11-15", "bad Version")
    a = f.get("Action")
    if a == "DescribeInstanceAttribute":
        need(set(f) == {"Action", "Version", "InstanceId", "Attribute"} and f["Attribute"] == "groupSet" and
             f["InstanceId"].startswith("i-"), "bad parameters %r" % f)
        with lock:
            groups = state["ec2_groups"].setdefault(f["InstanceId"], ["sg-0web", "sg-0ssh"])
        items = "".join("<item><groupId>%s</groupId></item>" % g for g in groups)
        return ("aws.describe", 200, ("<DescribeInstanceAttributeResponse xmlns=\"%s\"><requestId>r0</requestId>"
                "<instanceId>%s</instanceId><groupSet>%s</groupSet></DescribeInstanceAttributeResponse>"
                % (ns, f["InstanceId"], items)).encode(), {"Content-Type": "text/xml"})
    if a == "ModifyInstanceAttribute":
        groups = [f["GroupId.%d" % i] for i in range(1, len(f)) if "GroupId.%d" % i in f]
        need(f.get("InstanceId", "").startswith("i-") and groups and all(g.startswith("sg-") for g in groups) and
             set(f) == {"Action", "Version", "InstanceId"} | {"GroupId.%d" % i for i in range(1, len(groups) + 1)},
             "bad parameters %r" % f)
        with lock:
            state["ec2_groups"][f["InstanceId"]] = groups
        return ("aws.ec2", 200, ("<ModifyInstanceAttributeResponse xmlns=\"%s\"><requestId>r1</requestId>"
                "<return>true</return></ModifyInstanceAttributeResponse>" % ns).encode(), {"Content-Type": "text/xml"})
    need(a == "CreateSnapshot" and f.get("VolumeId", "").startswith("vol-") and
         f.get("TagSpecification.1.ResourceType") == "snapshot", "bad parameters %r" % f)
    return "aws.snapshot", 200, b"<CreateSnapshotResponse><requestId>r2</requestId><snapshotId>snap-0123456789abcdef0</snapshotId><status>pending</status></CreateSnapshotResponse>", {"Content-Type": "text/xml"}


def route(m, path, q, h, body):
    """(key, status, answer, headers) for one request, or Bad."""
    seg = path.split("/")
    # ---- CrowdStrike ----
    if path == "/cs/oauth2/token":
        need(m == "POST", "token: POST only", 405)
        ctype(h, "application/x-www-form-urlencoded")
        f = dict(urllib.parse.parse_qsl(body.decode()))
        need(f == {"client_id": CRED["cs"][0], "client_secret": CRED["cs"][1]},
             "token: bad client credentials", 401)
        return "cs.token", 201, {"access_token": new_token("cs"), "token_type": "bearer",
                                 "expires_in": 1799}, {}
    if path == "/cs/devices/entities/devices-actions/v2":
        need(m == "POST", "devices-actions: POST only", 405)
        bearer(h)
        act = q.get("action_name", [""])
        need(act in (["contain"], ["lift_containment"]), "bad action_name %r" % act)
        ctype(h, "application/json")
        b = jbody(body)
        need(set(b) == {"ids"} and isinstance(b["ids"], list) and len(b["ids"]) == 1,
             "body must be {\"ids\":[AID]}")
        aid = b["ids"][0]
        need(aid in DEVICES, "device not found", 404)
        with lock:
            state["cs_dev"][aid] = (act[0], 0)
        return "cs." + act[0].split("_")[0], 202, {
            "meta": {"query_time": 0.1, "powered_by": "device-actions", "trace_id": "t1"},
            "resources": [{"id": aid, "path": ""}], "errors": []}, {}
    if path == "/cs/devices/entities/devices/v2":
        need(m == "GET", "devices: GET only", 405)
        bearer(h)
        aid = q.get("ids", [""])[0]
        need(aid in DEVICES, "device not found", 404)
        with lock:
            act, n = state["cs_dev"].get(aid, ("none", 0))
            state["cs_dev"][aid] = (act, n + 1)
        st = {"contain": ["containment_pending", "contained"],
              "lift_containment": ["lift_containment_pending", "normal"]}.get(act, ["normal"])
        return "cs.device", 200, {"resources": [{"device_id": aid, "status": st[min(n, 1)]}]}, {}
    if path == "/cs/iocs/entities/indicators/v1":
        bearer(h)
        if m == "DELETE":
            need(q.get("ids") == ["ioc-0001"], "unknown ioc id")
            return "cs.ioc_delete", 200, {"resources": ["ioc-0001"], "errors": []}, {}
        need(m == "POST", "indicators: POST or DELETE", 405)
        b = jbody(body)
        ind = b.get("indicators", [{}])[0]
        need(ind.get("type") == "sha256" and len(ind.get("value", "")) == 64 and
             ind.get("action") == "prevent" and ind.get("applied_globally") is True and
             ind.get("platforms") == ["windows", "mac", "linux"], "bad indicator %r" % ind)
        return "cs.ioc", 201, {"resources": [{"id": "ioc-0001", "value": ind["value"]}], "errors": []}, {}
    # ---- Entra tokens (Defender, Graph) ----
    if len(seg) == 6 and seg[1] == "login" and seg[3:] == ["oauth2", "v2.0", "token"]:
        need(m == "POST", "token: POST only", 405)
        need(seg[2] == TENANT, "unknown tenant", 400)
        ctype(h, "application/x-www-form-urlencoded")
        f = dict(urllib.parse.parse_qsl(body.decode()))
        need(f.get("grant_type") == "client_credentials", "grant_type must be client_credentials")
        need(f.get("client_id") == CRED["entra"][0] and f.get("client_secret") == CRED["entra"][1],
             "invalid_client", 401)
        need(f.get("scope") in ("https://api.securitycenter.microsoft.com/.default",
                                "https://graph.microsoft.com/.default"), "bad scope")
        return "entra.token", 200, {"token_type": "Bearer", "expires_in": 3599,
                                    "access_token": new_token("entra")}, {}
    # ---- Defender for Endpoint ----
    if len(seg) == 6 and seg[1:4] == ["mde", "api", "machines"] and seg[5] in ("isolate", "unisolate"):
        need(m == "POST", "POST only", 405)
        bearer(h)
        ctype(h, "application/json")
        need(seg[4] in MACHINES, "machine not found", 404)
        b = jbody(body)
        want = {"Comment"} | ({"IsolationType"} if seg[5] == "isolate" else set())
        need(set(b) == want and b["Comment"].startswith("socpipe incident "), "bad body %r" % b)
        if seg[5] == "isolate":
            need(b["IsolationType"] in ("Full", "Selective"), "bad IsolationType")
        with lock:
            state["mde"]["ma-0001"] = 0
        return "mde." + seg[5], 201, {"id": "ma-0001", "type": seg[5].capitalize(),
                                      "status": "Pending", "machineId": seg[4]}, {}
    if seg[1:4] == ["mde", "api", "indicators"]:
        bearer(h)
        if m == "DELETE":
            need(len(seg) == 5, "DELETE /api/indicators/{id}", 405)
            with lock:
                known = state["mde_ind"].pop(seg[4], None)
            need(known is not None, "indicator not found", 404)
            return "mde.indicator_delete", 204, b"", {}
        need(m == "POST" and len(seg) == 4, "POST /api/indicators", 405)
        ctype(h, "application/json")
        b = jbody(body)
        kinds = {"FileSha256": "BlockAndRemediate", "IpAddress": "Block", "DomainName": "Block", "Url": "Block"}
        need(b.get("indicatorType") in kinds and b.get("action") == kinds[b["indicatorType"]],
             "indicatorType/action %r/%r" % (b.get("indicatorType"), b.get("action")))
        need(isinstance(b.get("indicatorValue"), str) and b["indicatorValue"] and b.get("title") and
             b.get("severity") in ("Informational", "Low", "Medium", "High") and
             set(b) <= {"indicatorValue", "indicatorType", "action", "title", "description", "severity",
                        "generateAlert", "expirationTime", "recommendedActions", "rbacGroupNames"},
             "bad indicator %r" % b)
        if b["indicatorType"] == "Url":
            need(b["indicatorValue"].startswith(("http://", "https://")), "Url indicators take a URL")
        with lock:
            iid = str(995 + len(state["mde_ind"]))
            state["mde_ind"][iid] = b["indicatorValue"]
        return "mde.indicator", 200, dict(b, id=iid, createdBy="socpipe-app",
                                          creationTimeDateTimeUtc="2026-12-04T17:00:00Z"), {}
    if len(seg) == 5 and seg[1:4] == ["mde", "api", "machineactions"]:
        need(m == "GET", "GET only", 405)
        bearer(h)
        need(seg[4] in state["mde"], "machine action not found", 404)
        with lock:
            n = state["mde"][seg[4]]
            state["mde"][seg[4]] = n + 1
        return "mde.action", 200, {"id": seg[4], "status": ["InProgress", "Succeeded"][min(n, 1)]}, {}
    # ---- SentinelOne ----
    if path in ("/s1/web/api/v2.1/agents/actions/disconnect", "/s1/web/api/v2.1/agents/actions/connect"):
        need(m == "POST", "POST only", 405)
        need(h.get("Authorization") == "ApiToken " + CRED["s1"], "bad ApiToken", 401)
        ctype(h, "application/json")
        b = jbody(body)
        need(set(b) == {"filter"} and set(b["filter"]) == {"ids"} and b["filter"]["ids"][0] in AGENTS,
             "bad filter %r" % b)
        return "s1." + seg[-1], 200, {"data": {"affected": 1}}, {}
    # ---- Okta ----
    if seg[1] == "okta":
        need(h.get("Authorization") == "SSWS " + CRED["okta"], "Invalid token provided", 401)
        need(len(seg) >= 6 and seg[2:5] == ["api", "v1", "users"], "not found", 404)
        uid = urllib.parse.unquote(seg[5])
        need(uid in USERS, "Not found: Resource not found: %s (User)" % uid, 404)
        need(seg[5] == urllib.parse.quote(uid, safe=""), "user id not percent-encoded")
        if seg[6:] == ["sessions"]:
            need(m == "DELETE", "DELETE only", 405)
            need(q == {"oauthTokens": ["true"]}, "query must be oauthTokens=true")
            return "okta.sessions", 204, b"", {}
        need(m == "POST" and len(seg) == 8 and seg[6] == "lifecycle", "not found", 404)
        want = {"suspend": {}, "unsuspend": {}, "reset_factors": {},
                "reset_password": {"sendEmail": ["true"], "revokeSessions": ["true"]}}
        need(seg[7] in want, "unknown lifecycle operation", 404)
        need(q == want[seg[7]], "query %r" % q)
        need(body == b"", "lifecycle operations take no body")
        return "okta." + seg[7], 200, {}, {}
    # ---- Microsoft Graph ----
    if seg[1] == "graph":
        bearer(h)
        if path == "/graph/v1.0/identityProtection/riskyUsers/confirmCompromised":
            need(m == "POST", "POST only", 405)
            b = jbody(body)
            need(b == {"userIds": ["00u1abcd2EFGH3ijk4x5"]}, "bad userIds %r" % b)
            return "graph.compromised", 204, b"", {}
        need(len(seg) >= 5 and seg[2:4] == ["v1.0", "users"], "not found", 404)
        uid = urllib.parse.unquote(seg[4])
        need(uid in USERS, "Request_ResourceNotFound", 404)
        if seg[5:] == ["revokeSignInSessions"]:
            need(m == "POST" and body == b"", "POST with an empty body")
            return "graph.revoke", 200, {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean",
                                         "value": True}, {}
        need(m == "PATCH" and len(seg) == 5, "PATCH /users/{id}", 405)
        ctype(h, "application/json")
        b = jbody(body)
        need(set(b) == {"accountEnabled"} and isinstance(b["accountEnabled"], bool),
             "body must be {\"accountEnabled\":BOOL}")
        return "graph.account", 204, b"", {}
    # ---- Google Workspace ----
    if seg[1] == "google":
        bearer(h, CRED["google"])
        need(len(seg) >= 7 and seg[2:6] == ["admin", "directory", "v1", "users"], "not found", 404)
        need(urllib.parse.unquote(seg[6]) in USERS, "Resource Not Found: userKey", 404)
        if seg[7:] == ["signOut"]:
            need(m == "POST" and body == b"", "POST with an empty body")
            return "google.signout", 204, b"", {}
        need(m == "PUT" and len(seg) == 7, "PUT users/{userKey}", 405)
        b = jbody(body)
        need(set(b) == {"suspended"} and isinstance(b["suspended"], bool), "bad body %r" % b)
        return "google.suspend", 200, {"kind": "admin#directory#user",
                                       "primaryEmail": urllib.parse.unquote(seg[6]),
                                       "suspended": b["suspended"]}, {}
    # ---- AWS ----
    if path == "/aws-sm/":
        need(m == "POST", "POST only", 405)
        ctype(h, "application/x-amz-json-1.1")
        need(h.get("X-Amz-Target") == "secretsmanager.PutSecretValue", "bad X-Amz-Target")
        sigv4_check(h, m, path, "", body, "us-east-1", "secretsmanager")
        b = jbody(body)
        need(set(b) == {"SecretId", "SecretString"}, "bad body keys %r" % sorted(b))
        need(b["SecretId"] in SECRETS, "Secrets Manager can't find the specified secret.", 400)
        v = json.loads(b["SecretString"])
        with lock:
            keys = dict(state["aws_keys"])
        need(v.get("AccessKeyId") in keys and keys[v["AccessKeyId"]] == v.get("SecretAccessKey"),
             "SecretString does not hold the key CreateAccessKey made")
        return "aws.sm", 200, {"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + b["SecretId"],
                               "Name": b["SecretId"], "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
                               "VersionStages": ["AWSCURRENT"]}, {}
    if path in ("/aws-iam/", "/aws-ec2/"):
        iam = path == "/aws-iam/"
        need(m == "POST", "POST only", 405)
        ctype(h, "application/x-www-form-urlencoded")
        sigv4_check(h, m, path, "", body, "us-east-1", "iam" if iam else "ec2")
        f = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        return aws_iam(f) if iam else aws_ec2(f)
    # ---- PAN-OS ----
    if path == "/panos/api/":
        need(m == "POST", "POST only", 405)
        ctype(h, "application/x-www-form-urlencoded")
        f = dict(urllib.parse.parse_qsl(body.decode()))
        need(f.get("key") == CRED["panos"], "Invalid credentials.", 403)
        need(f.get("type") == "user-id", "type must be user-id")
        x = ET.fromstring(f["cmd"])
        need(x.tag == "uid-message" and x.findtext("type") == "update", "bad uid-message")
        e = x.find("payload/register/entry")
        if e is None:
            e = x.find("payload/unregister/entry")
        need(e is not None and e.get("ip"), "no entry ip")
        need(e.find("tag/member") is not None and e.find("tag/member").text == "socpipe-block", "bad tag")
        return "panos.uid", 200, b"<response status=\"success\"><result><uid-response><version>2.0</version><payload><register/></payload></uid-response></result></response>", {"Content-Type": "application/xml"}
    # ---- Cloudflare ----
    if seg[1] == "cf":
        bearer(h, CRED["cf"])
        need(seg[2:4] == ["zones", "023e105f4ecef8ad9ca31a8372d0c353"] and
             seg[4:7] == ["firewall", "access_rules", "rules"], "not found", 404)
        if m == "DELETE":
            need(seg[7:] == ["92f17202ed8bd63d69a66b86a49a8f6b"], "rule not found", 404)
            return "cf.delete", 200, {"success": True, "errors": [], "messages": [],
                                      "result": {"id": seg[7]}}, {}
        need(m == "POST" and len(seg) == 7, "POST only", 405)
        b = jbody(body)
        need(b.get("mode") == "block" and b.get("configuration", {}).get("target") == "ip", "bad rule %r" % b)
        return "cf.block", 200, {"success": True, "errors": [], "messages": [],
                                 "result": {"id": "92f17202ed8bd63d69a66b86a49a8f6b", "mode": "block",
                                            "configuration": b["configuration"]}}, {}
    # ---- Slack ----
    if path == "/slack/api/chat.postMessage":
        bearer(h, CRED["slack"])
        need(h.get("Content-Type") == "application/json; charset=utf-8", "missing charset")
        b = jbody(body)
        need(set(b) == {"channel", "text"}, "bad body %r" % b)
        if b["channel"] != "C0SOC":
            return "slack.post", 200, {"ok": False, "error": "channel_not_found"}, {}
        return "slack.post", 200, {"ok": True, "channel": "C0SOC", "ts": "1764844800.000100"}, {}
    # ---- Teams ----
    if seg[1] == "teams":
        bearer(h, CRED["teams"])
        need(m == "POST" and seg[2:5] == ["v1.0", "teams", "team-1"] and seg[5] == "channels"
             and seg[7:] == ["messages"], "not found", 404)
        need(urllib.parse.unquote(seg[6]) == "19:soc@thread.tacv2", "unknown channel", 404)
        b = jbody(body)
        need(set(b) == {"body"} and b["body"].get("contentType") == "text", "bad body")
        return "teams.post", 201, {"id": "1616965872395"}, {}
    # ---- PagerDuty ----
    if path == "/pd/v2/enqueue":
        need(m == "POST", "POST only", 405)
        b = jbody(body)
        need(b.get("routing_key") == CRED["pd"], "Invalid routing key", 400)
        need(b.get("event_action") in ("trigger", "resolve") and b.get("dedup_key"), "bad event")
        if b["event_action"] == "trigger":
            p = b.get("payload", {})
            need(p.get("summary") and p.get("source") and
                 p.get("severity") in ("critical", "error", "warning", "info"), "bad payload %r" % p)
        return "pd." + b["event_action"], 202, {"status": "success", "message": "Event processed",
                                                "dedup_key": b["dedup_key"]}, {}
    # ---- Jira ----
    if seg[1] == "jira":
        basic(h, CRED["jira"])
        b = jbody(body)
        if path == "/jira/rest/api/3/issue":
            fl = b.get("fields", {})
            need(fl.get("project") == {"key": "SOC"} and fl.get("issuetype") == {"name": "Task"} and
                 fl.get("summary") and fl.get("description", {}).get("type") == "doc", "bad fields")
            return "jira.issue", 201, {"id": "10000", "key": "SOC-1",
                                       "self": "https://corp.atlassian.net/rest/api/3/issue/10000"}, {}
        need(m == "POST" and len(seg) == 8 and seg[2:6] == ["rest", "api", "3", "issue"], "not found", 404)
        need(seg[6] == "SOC-1", "Issue does not exist or you do not have permission to see it.", 404)
        if seg[7] == "transitions":
            need(b.get("transition") == {"id": "31"}, "bad transition %r" % b.get("transition"))
            c = b.get("update", {}).get("comment", [{}])[0].get("add", {}).get("body", {})
            need(set(b) <= {"transition", "update", "fields"} and c.get("type") == "doc", "comment body must be ADF")
            return "jira.transition", 204, b"", {}
        need(seg[7] == "comment", "not found", 404)
        need(set(b) == {"body"} and b["body"].get("type") == "doc", "comment body must be ADF")
        return "jira.comment", 201, {"id": "10001"}, {}
    # ---- ServiceNow ----
    if seg[1] == "snow":
        basic(h, CRED["snow"])
        b = jbody(body)
        if m == "POST":
            need(path == "/snow/api/now/table/incident", "not found", 404)
            need(b.get("short_description") and b.get("urgency") in ("1", "2", "3") and
                 b.get("correlation_id"), "bad record %r" % b)
            return "snow.create", 201, {"result": {"sys_id": "9d385017c611228701d22104cc95c371",
                                                   "number": "INC0010001"}}, {}
        need(m == "PATCH" and path == "/snow/api/now/table/incident/9d385017c611228701d22104cc95c371",
             "not found", 404)
        if set(b) == {"work_notes"}:
            return "snow.update", 200, {"result": {"sys_id": seg[-1], "state": "2"}}, {}
        need(set(b) == {"state", "close_code", "close_notes"} and b["state"] in ("6", "7") and
             b["close_code"] and b["close_notes"], "bad update %r" % b)
        return "snow.close", 200, {"result": {"sys_id": seg[-1], "state": b["state"]}}, {}
    # ---- TheHive ----
    if path.startswith("/hive/api/v1/alert/"):
        bearer(h, CRED["hive"])
        need(len(seg) in (6, 7) and seg[5] == "~41000", "alert not found", 404)
        b = jbody(body)
        if len(seg) == 7:
            need(m == "POST" and seg[6] == "comment", "not found", 404)
            need(set(b) == {"message"} and b["message"], "bad comment %r" % b)
            return "hive.comment", 201, {"_id": "~4200", "_type": "Comment", "message": b["message"]}, {}
        need(m == "PATCH", "PATCH only", 405)
        need(b == {"status": "Ignored"}, "bad update %r" % b)
        return "hive.close", 204, b"", {}
    if path == "/hive/api/v1/alert":
        bearer(h, CRED["hive"])
        need(m == "POST", "POST only", 405)
        b = jbody(body)
        need(isinstance(b.get("severity"), int) and 1 <= b["severity"] <= 4, "severity must be 1-4")
        need(b.get("type") and b.get("source") and b.get("sourceRef") and b.get("title"), "bad alert")
        return "hive.alert", 201, {"_id": "~41000", "_type": "Alert", "sourceRef": b["sourceRef"]}, {}
    raise Bad(404, "no such path " + path)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, headers):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers, **{"Content-Type": "application/json"})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        h = {k: v for k, v in self.headers.items()}
        try:
            key, status, ans, hdrs = route(self.command, u.path, q, h, body)
        except Bad as e:
            log({"method": self.command, "path": self.path, "fail": e.reason, "status": e.status})
            return self.answer(e.status, {"errors": [{"message": e.reason}]}, {})
        except Exception as e:  # a malformed request the routes did not foresee
            log({"method": self.command, "path": self.path, "fail": repr(e), "status": 400})
            return self.answer(400, {"errors": [{"message": "bad request"}]}, {})
        b = behaviour(key)
        log({"key": key, "method": self.command, "path": self.path, "behaviour": b,
             "body": body.decode("utf-8", "replace") if "token" not in key and not key.startswith(("pd", "panos", "aws.sm")) else "<credentials>"})
        if b == "401":
            with lock:
                tokens.clear()
            return self.answer(401, {"errors": [{"code": 401, "message": "access denied, invalid bearer token"}]}, {})
        if b == "429":
            return self.answer(429, {"errors": [{"code": 429, "message": "API rate limit exceeded"}]}, {"Retry-After": "1"})
        if b in ("500", "503"):
            return self.answer(int(b), {"errors": [{"message": "internal error"}]}, {})
        if b == "slow":
            time.sleep(5)
        if b == "garbage":
            return self.answer(200, b"<html>proxy error</html>", {"Content-Type": "text/html"})
        self.answer(status, ans, hdrs)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


srvlib.serve(H, opts["--lifetime"], quiet=True)
