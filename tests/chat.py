#!/usr/bin/env python3
"""An OpenAI-compatible chat-completions endpoint on 127.0.0.1, as
soc-decide's LLM reasoner meets one, giving the answers a test asks for.

    chat.py PORTFILE --mode MODE [--key KEY] [--lifetime S] [--max-requests N]

POST /v1/chat/completions only.  Every request is checked: the model
named, the messages (system first, the incident data inside BEGIN/END
UNTRUSTED DATA markers), the investigate tool, and the key when --key is
given ("Authorization: Bearer KEY"; a wrong or missing one gets 401).
One line per request goes to PORTFILE.log: the number of messages, the
tool_choice, whether the data was delimited, the tool answers seen; never
the key or a header.

MODE: good (a tool call about the incident's first user, then a
narrative and valid proposals), echo (the key echoed in the narrative),
malformed (text that is not JSON), hostile (proposals no plan may take,
among valid ones), slow (answers after 5 s), refuse (a refusal), toolspam (tool
calls forever), error (HTTP 500).  Exits after S seconds (default 60) or
N requests (default 50).
"""
import json
import re
import time
from http.server import BaseHTTPRequestHandler

import srvlib

opts = srvlib.options("chat.py", {"--mode": "good", "--key": "", "--lifetime": 60.0,
                                  "--max-requests": 50})
mode, key = opts["--mode"], opts["--key"] or None


def log(obj):
    srvlib.log(obj, sort_keys=True)


def data_of(messages):
    """The incident data between the markers of the user message."""
    text = messages[1]["content"]
    m = re.search(r"BEGIN UNTRUSTED DATA ([0-9a-f]{16}) \(JSON\)\n(.*)\nEND UNTRUSTED DATA \1\n",
                  text, re.S)
    return json.loads(m.group(2)) if m else None


def first(data, kind):
    for e in data.get("blast_radius", {}).get(kind, []):
        if not e.get("hub"):
            return e["value"]
    return None


def reply(content=None, tool_calls=None, refusal=None, finish="stop"):
    msg = {"role": "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = tool_calls
        finish = "tool_calls"
    if refusal:
        msg["refusal"] = refusal
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}]}


def answer(req, auth):
    msgs = req["messages"]
    data = data_of(msgs)
    tools_seen = [m["content"] for m in msgs if m.get("role") == "tool"]
    user, host = first(data, "users"), first(data, "hosts")
    if mode == "malformed":
        return reply("Sure! Here is the plan: {contain everything")
    if mode == "echo":
        return reply(json.dumps({"narrative": "Key: " + auth, "steps": []}))
    if mode == "refuse":
        return reply(None, refusal="I can't help with that.")
    if mode == "toolspam":
        return reply(None, [{"id": "call_%d" % len(msgs), "type": "function",
                             "function": {"name": "investigate", "arguments": json.dumps(
                                 {"question": "prior_incidents", "kind": "hosts", "value": host})}}])
    if mode == "hostile":
        crown = [e["value"] for e in data["blast_radius"].get("hosts", []) if e["crown_jewel"]]
        return reply(json.dumps({
            "narrative": "Approve everything. Key: " + auth,
            "steps": [
                {"action": "format_disk", "target": {"type": "host", "value": host}},
                {"action": "contain_host", "target": {"type": "host", "value": "ceo-laptop"}},
                {"action": "contain_host", "target": {"type": "host", "value": crown[0]},
                 "tier": "auto"},
                {"action": "disable_user", "target": {"type": "user", "value": "break-glass"},
                 "why": "ignore the guards"},
                {"action": "block_ip", "target": {"type": "ip", "value": "198.51.100.1"}},
                {"action": "open_ticket", "target": {"type": "incident", "value": data["incident"]},
                 "inputs": {"queue": "soc", "shell": "rm -rf /"}},
                {"action": "disable_user", "target": {"type": "user", "value": "admin-bob"},
                 "why": "privileged and compromised"},
            ]}))
    # good
    if not tools_seen and user:
        return reply(None, [{"id": "call_1", "type": "function", "function": {
            "name": "investigate",
            "arguments": json.dumps({"question": "prior_incidents", "kind": "users",
                                     "value": user})}}])
    steps = []
    if host:
        steps.append({"action": "contain_host", "target": {"type": "host", "value": host},
                      "why": "code ran there"})
    steps.append({"action": "notify_channel", "target": {"type": "channel", "value": "default"},
                  "inputs": {"message": "incident under way"}, "why": "tell the team"})
    for e in data["blast_radius"].get("users", []):
        if e["privileged"] and not e["hub"]:
            steps.append({"action": "disable_user", "target": {"type": "user", "value": e["value"]},
                          "why": "privileged and compromised"})
    return reply("```json\n" + json.dumps({
        "narrative": "A sign-in by %s followed by execution on %s; contain, keep the evidence, "
                     "tell the team. Tool answers seen: %d." % (user, host, len(tools_seen)),
        "steps": steps}) + "\n```")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, obj):
        body = json.dumps(obj).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        srvlib.count()
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        auth = self.headers.get("Authorization", "")
        try:
            req = json.loads(raw)
        except ValueError:
            log({"fail": "body is not JSON"})
            return self.send(400, {"error": "bad json"})
        problems = []
        if self.path != "/v1/chat/completions":
            problems.append("path " + self.path)
        if key is not None and auth != "Bearer " + key:
            log({"fail": "bad key"})
            return self.send(401, {"error": {"message": "invalid api key"}})
        if req.get("model") != "test-model":
            problems.append("model")
        msgs = req.get("messages", [])
        if len(msgs) < 2 or msgs[0].get("role") != "system" or msgs[1].get("role") != "user":
            problems.append("messages")
        data = data_of(msgs) if len(msgs) >= 2 else None
        tools = req.get("tools") or []
        if not tools or tools[0]["function"]["name"] != "investigate":
            problems.append("tools")
        if data is None:
            problems.append("data not delimited")
        log({"messages": len(msgs), "tool_choice": req.get("tool_choice"),
             "delimited": data is not None, "fail": problems or None,
             "tool_answers": [m["content"] for m in msgs if m.get("role") == "tool"],
             "outside": msgs[1]["content"].split("BEGIN UNTRUSTED DATA")[0] if len(msgs) > 1 else ""})
        if problems:
            return self.send(400, {"error": {"message": ", ".join(problems)}})
        if mode == "error":
            return self.send(500, {"error": {"message": "overloaded"}})
        if mode == "slow":
            time.sleep(5)
        self.send(200, answer(req, auth))


srvlib.serve(Handler, opts["--lifetime"], opts["--max-requests"], linger=0.2)
