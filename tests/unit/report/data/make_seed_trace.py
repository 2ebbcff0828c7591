#!/usr/bin/env python3
"""Writes seed_call.jsonl: a hand-built trace of the seed scenario (DESIGN.md's
seed-proxy-call), in the exact trace.jsonl format the runtime's collector emits.

Nothing produces real traces yet, so the report/ladder golden tests run on this
one.  It is generated (not typed) so that byte counts, Content-Length, digest
responses and link statistics are consistent.  Re-run it only on purpose:
    python3 make_seed_trace.py > seed_call.jsonl
and review the golden diffs that follow.

Flow (times in ms, one-way delays: peter 15+2=17 to proxy/dns, mobile 40+2,
laptop 5+2, peter<->laptop 20):
  t=0      ivan-laptop and ivan-mobile resolve domain.ru (NAPTR, SRV, A) and
           REGISTER; each gets 401 with a digest challenge, retries with
           Authorization (CSeq 2), gets 200 OK (RFC 3665 §2.1).
  t=5000   peter-pc resolves domain.ru and INVITEs sip:ivan@domain.ru; the
           proxy forks to both contacts.  The fork to ivan-mobile is lost on
           the mobile link; Timer A retransmits it at +500 ms.  Both ring
           (180); the laptop answers after 2 s; the proxy CANCELs the mobile
           branch (200 to CANCEL, 487, ACK); peter ACKs the laptop directly.
  t=27126  ivan-laptop hangs up: BYE directly to peter-pc, 200 OK.
  t=40000  link statistics.
"""
import hashlib
import json
import sys

NODES = [
    ("peter-pc", "peter-pc", ["ua"], ["198.51.100.10"]),
    ("proxy", "proxy (domain.ru)", ["proxy", "registrar"], ["192.0.2.10"]),
    ("ivan-mobile", "ivan-mobile", ["ua"], ["203.0.113.21"]),
    ("ivan-laptop", "ivan-laptop", ["ua"], ["203.0.113.22"]),
    ("dns", "dns", ["dns"], ["192.0.2.53"]),
    ("router", "router", ["router"], ["10.0.0.1"]),
]
IP = {name: addrs[0] for name, _, _, addrs in NODES}
LINK_DELAY_MS = {"peter-pc": 15, "ivan-mobile": 40, "ivan-laptop": 5, "proxy": 2, "dns": 2}

events = []  # (t_us, seq, dict)
link_stats = {}  # (from, to) -> [sent, lost, queue_drops, bytes]


def add(t_us, node, kind, **fields):
    ev = {"t": t_us, "node": node, "kind": kind}
    ev.update(fields)
    events.append((t_us, len(events), ev))


def one_way_us(a, b):
    return (LINK_DELAY_MS[a] + LINK_DELAY_MS[b]) * 1000


def count_links(a, b, size, lost_on_last_hop=False):
    for frm, to in ((a, "router"), ("router", b)):
        key = (frm, to)
        s = link_stats.setdefault(key, [0, 0, 0, 0])
        s[0] += 1
        s[3] += size + 28  # IPv4 + UDP headers
    if lost_on_last_hop:
        link_stats[("router", b)][1] += 1


def header_value(msg, name):
    for line in msg.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def tag_of(value):
    for part in value.split(";")[1:]:
        if part.strip().startswith("tag="):
            return part.strip()[4:]
    return ""


def branch_of(msg):
    via = header_value(msg, "Via")
    for part in via.split(";")[1:]:
        if part.startswith("branch="):
            return part[7:]
    return ""


def sip(t_us, src, dst, msg, retransmit=False, lost=False, port_src=5060, port_dst=5060):
    first = msg.split("\r\n", 1)[0]
    common = {
        "transport": "UDP",
        "src": f"{IP[src]}:{port_src}",
        "dst": f"{IP[dst]}:{port_dst}",
        "bytes": len(msg.encode()),
        "first_line": first,
        "call_id": header_value(msg, "Call-ID"),
        "cseq": header_value(msg, "CSeq"),
        "branch": branch_of(msg),
        "from_tag": tag_of(header_value(msg, "From")),
        "to_tag": tag_of(header_value(msg, "To")),
    }
    add(t_us, src, "sip.send", **common, retransmit=retransmit, msg=msg)
    arrive = t_us + one_way_us(src, dst)
    count_links(src, dst, len(msg.encode()), lost_on_last_hop=lost)
    if lost:
        add(arrive, dst, "sip.drop", **common, cause="link-loss", link=f"{dst}--router", msg=msg)
    else:
        add(arrive, dst, "sip.recv", **common, msg=msg)
    return arrive


DNS_PORT = {"peter-pc": 40001, "ivan-mobile": 40002, "ivan-laptop": 40003}
ZONE = {
    ("domain.ru", "NAPTR"): ['domain.ru. 3600 IN NAPTR 10 50 "s" "SIP+D2U" "" _sip._udp.domain.ru.'],
    ("_sip._udp.domain.ru", "SRV"): ["_sip._udp.domain.ru. 3600 IN SRV 0 5 5060 proxy.domain.ru."],
    ("proxy.domain.ru", "A"): ["proxy.domain.ru. 3600 IN A 192.0.2.10"],
}


def dns_lookup(t_us, client, qid, name, qtype):
    src = f"{IP[client]}:{DNS_PORT[client]}"
    dst = f"{IP['dns']}:53"
    add(t_us, client, "dns.query", src=src, dst=dst, id=qid, name=name, type=qtype, attempt=1)
    served = t_us + one_way_us(client, "dns")
    count_links(client, "dns", 27 + len(name))
    add(served, "dns", "dns.serve", src=src, dst=dst, id=qid, name=name, type=qtype, rcode="NOERROR")
    answered = served + one_way_us(client, "dns")
    count_links("dns", client, 60 + len(name))
    add(answered, client, "dns.answer", src=dst, dst=src, id=qid, name=name, type=qtype,
        rcode="NOERROR", answers=ZONE[(name, qtype)])
    return answered


def resolve_domain(t_us, client, first_id):
    t_us = dns_lookup(t_us, client, first_id, "domain.ru", "NAPTR")
    t_us = dns_lookup(t_us, client, first_id + 1, "_sip._udp.domain.ru", "SRV")
    return dns_lookup(t_us, client, first_id + 2, "proxy.domain.ru", "A")


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def crlf(lines, body=""):
    return "\r\n".join(lines + [f"Content-Length: {len(body.encode())}", "", ""]) + body


def register_device(t_us, dev, branch1, branch2, ftag, call_id, rtag, nonce, cnonce):
    ip = IP[dev]
    t_us = resolve_domain(t_us, dev, {"ivan-laptop": 1100, "ivan-mobile": 2100}[dev])
    base = [
        f"Max-Forwards: 70",
        f"From: <sip:ivan@domain.ru>;tag={ftag}",
        "To: <sip:ivan@domain.ru>",
        f"Call-ID: {call_id}",
    ]
    reg1 = crlf([
        "REGISTER sip:domain.ru SIP/2.0",
        f"Via: SIP/2.0/UDP {ip}:5060;branch={branch1};rport",
    ] + base + [
        "CSeq: 1 REGISTER",
        f"Contact: <sip:ivan@{ip}:5060>",
        "Expires: 3600",
    ])
    t_us = sip(t_us, dev, "proxy", reg1)
    add(t_us, "proxy", "txn.state", txn=f"{branch1}/REGISTER/server", **{"from": "Trying", "to": "Completed"})
    r401 = crlf([
        "SIP/2.0 401 Unauthorized",
        f"Via: SIP/2.0/UDP {ip}:5060;branch={branch1};rport=5060;received={ip}",
        f"From: <sip:ivan@domain.ru>;tag={ftag}",
        f"To: <sip:ivan@domain.ru>;tag={rtag}",
        f"Call-ID: {call_id}",
        "CSeq: 1 REGISTER",
        f'WWW-Authenticate: Digest realm="domain.ru", nonce="{nonce}", algorithm=MD5, qop="auth"',
    ])
    t_us = sip(t_us, "proxy", dev, r401)
    ha1 = md5("ivan:domain.ru:secret")
    ha2 = md5("REGISTER:sip:domain.ru")
    resp = md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
    reg2 = crlf([
        "REGISTER sip:domain.ru SIP/2.0",
        f"Via: SIP/2.0/UDP {ip}:5060;branch={branch2};rport",
    ] + base + [
        "CSeq: 2 REGISTER",
        f"Contact: <sip:ivan@{ip}:5060>",
        "Expires: 3600",
        f'Authorization: Digest username="ivan", realm="domain.ru", nonce="{nonce}", '
        f'uri="sip:domain.ru", response="{resp}", algorithm=MD5, cnonce="{cnonce}", qop=auth, nc=00000001',
    ])
    t_us = sip(t_us, dev, "proxy", reg2)
    add(t_us, "proxy", "reg.binding", aor="sip:ivan@domain.ru", contact=f"sip:ivan@{ip}:5060",
        expires=3600, action="added")
    ok = crlf([
        "SIP/2.0 200 OK",
        f"Via: SIP/2.0/UDP {ip}:5060;branch={branch2};rport=5060;received={ip}",
        f"From: <sip:ivan@domain.ru>;tag={ftag}",
        f"To: <sip:ivan@domain.ru>;tag={rtag}",
        f"Call-ID: {call_id}",
        "CSeq: 2 REGISTER",
        f"Contact: <sip:ivan@{ip}:5060>;expires=3600",
    ])
    sip(t_us, "proxy", dev, ok)


SDP_PETER = ("v=0\r\no=peter 2890844526 2890844526 IN IP4 198.51.100.10\r\ns=-\r\n"
             "c=IN IP4 198.51.100.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
SDP_LAPTOP = ("v=0\r\no=ivan 2890844527 2890844527 IN IP4 203.0.113.22\r\ns=-\r\n"
              "c=IN IP4 203.0.113.22\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")

CALL_ID = "3848276298220188511@198.51.100.10"
PETER_TAG = "9fxced76sl"
LAPTOP_TAG = "314159"
MOBILE_TAG = "8321234356"
B_PETER = "z9hG4bK74bf9"
B_LAPTOP = "z9hG4bK2d4790.1"
B_MOBILE = "z9hG4bK2d4791.1"
PETER_VIA = "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK74bf9;rport"
PETER_VIA_RCVD = "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK74bf9;rport=5060;received=198.51.100.10"
FROM_PETER = f'From: "Peter" <sip:peter@example.org>;tag={PETER_TAG}'


def invite_at_proxy(contact_ip, branch):
    return crlf([
        f"INVITE sip:ivan@{contact_ip}:5060 SIP/2.0",
        f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={branch}",
        PETER_VIA_RCVD,
        "Max-Forwards: 69",
        FROM_PETER,
        "To: <sip:ivan@domain.ru>",
        f"Call-ID: {CALL_ID}",
        "CSeq: 1 INVITE",
        "Contact: <sip:peter@198.51.100.10:5060>",
        "Content-Type: application/sdp",
    ], SDP_PETER)


def response(code_reason, vias, to_tag, cseq, contact=None, body=None):
    lines = [f"SIP/2.0 {code_reason}"] + vias + [
        FROM_PETER,
        f"To: <sip:ivan@domain.ru>" + (f";tag={to_tag}" if to_tag else ""),
        f"Call-ID: {CALL_ID}",
        f"CSeq: {cseq}",
    ]
    if contact:
        lines.append(f"Contact: <{contact}>")
    if body:
        lines.append("Content-Type: application/sdp")
    return crlf(lines, body or "")


def main():
    for name, label, roles, addrs in NODES:
        add(0, name, "node.info", label=label, roles=roles, addresses=addrs)

    register_device(0, "ivan-laptop", "z9hG4bKlt1a", "z9hG4bKlt1b", "lt7a1f",
                    "reg-5e1d2c@203.0.113.22", "rg19d2", "4f2b8c1d9e0a7b36", "0a4f113b")
    register_device(0, "ivan-mobile", "z9hG4bKmb1a", "z9hG4bKmb1b", "mb93c0",
                    "reg-77a0f1@203.0.113.21", "rg20e7", "9c1e55b0a3d2f418", "6b8b4567")

    # Call 1: peter-pc -> sip:ivan@domain.ru (RFC 3263 lookup first).
    add(5_000_000, "peter-pc", "call.event", call=1, event="started")
    t = resolve_domain(5_000_000, "peter-pc", 3100)
    invite = crlf([
        "INVITE sip:ivan@domain.ru SIP/2.0",
        PETER_VIA,
        "Max-Forwards: 70",
        FROM_PETER,
        "To: <sip:ivan@domain.ru>",
        f"Call-ID: {CALL_ID}",
        "CSeq: 1 INVITE",
        "Contact: <sip:peter@198.51.100.10:5060>",
        "Content-Type: application/sdp",
    ], SDP_PETER)
    add(t, "peter-pc", "txn.state", txn=f"{B_PETER}/INVITE/client", **{"from": "Init", "to": "Calling"})
    t_proxy = sip(t, "peter-pc", "proxy", invite)                          # 5.119
    sip(t_proxy, "proxy", "peter-pc", response("100 Trying", [PETER_VIA_RCVD], "", "1 INVITE"))
    # Fork: both branches leave at the same instant; laptop first (registration order).
    t_laptop = sip(t_proxy, "proxy", "ivan-laptop", invite_at_proxy("203.0.113.22", B_LAPTOP))
    sip(t_proxy, "proxy", "ivan-mobile", invite_at_proxy("203.0.113.21", B_MOBILE), lost=True)
    # Timer A (T1 = 500 ms) retransmits the lost fork.
    t_rtx = t_proxy + 500_000
    add(t_rtx, "proxy", "timer.fire", txn=f"{B_MOBILE}/INVITE/client", timer="A", retransmit=1)
    t_mobile = sip(t_rtx, "proxy", "ivan-mobile", invite_at_proxy("203.0.113.21", B_MOBILE), retransmit=True)

    laptop_vias = [f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={B_LAPTOP}", PETER_VIA_RCVD]
    mobile_vias = [f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={B_MOBILE}", PETER_VIA_RCVD]
    laptop_contact = "sip:ivan@203.0.113.22:5060"
    mobile_contact = "sip:ivan@203.0.113.21:5060"

    # Laptop rings.
    t = sip(t_laptop, "ivan-laptop", "proxy",
            response("180 Ringing", laptop_vias, LAPTOP_TAG, "1 INVITE", laptop_contact))
    t = sip(t, "proxy", "peter-pc",
            response("180 Ringing", [PETER_VIA_RCVD], LAPTOP_TAG, "1 INVITE", laptop_contact))
    add(t, "peter-pc", "txn.state", txn=f"{B_PETER}/INVITE/client", **{"from": "Calling", "to": "Proceeding"})
    add(t, "peter-pc", "dialog.state", dialog=f"{CALL_ID};{PETER_TAG};{LAPTOP_TAG}", state="early")
    add(t, "peter-pc", "call.event", call=1, event="ringing", code=180)

    # Mobile rings after the retransmitted INVITE arrives.
    t = sip(t_mobile, "ivan-mobile", "proxy",
            response("180 Ringing", mobile_vias, MOBILE_TAG, "1 INVITE", mobile_contact))
    t = sip(t, "proxy", "peter-pc",
            response("180 Ringing", [PETER_VIA_RCVD], MOBILE_TAG, "1 INVITE", mobile_contact))
    add(t, "peter-pc", "dialog.state", dialog=f"{CALL_ID};{PETER_TAG};{MOBILE_TAG}", state="early")

    # Laptop answers 2 s after ringing.
    t_answer = t_laptop + 2_000_000
    t = sip(t_answer, "ivan-laptop", "proxy",
            response("200 OK", laptop_vias, LAPTOP_TAG, "1 INVITE", laptop_contact, SDP_LAPTOP))
    t_cancel = t
    t_peter_200 = sip(t, "proxy", "peter-pc",
                      response("200 OK", [PETER_VIA_RCVD], LAPTOP_TAG, "1 INVITE", laptop_contact, SDP_LAPTOP))
    # The proxy cancels the pending mobile branch (RFC 3261 §16.7 step 10).
    cancel = crlf([
        "CANCEL sip:ivan@203.0.113.21:5060 SIP/2.0",
        f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={B_MOBILE}",
        "Max-Forwards: 70",
        FROM_PETER,
        "To: <sip:ivan@domain.ru>",
        f"Call-ID: {CALL_ID}",
        "CSeq: 1 CANCEL",
    ])
    t = sip(t_cancel, "proxy", "ivan-mobile", cancel)
    t_ok_cancel = t
    t = sip(t_ok_cancel, "ivan-mobile", "proxy",
            response("200 OK", [f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={B_MOBILE}"], MOBILE_TAG, "1 CANCEL"))
    t_487 = sip(t_ok_cancel, "ivan-mobile", "proxy",
                response("487 Request Terminated", mobile_vias, MOBILE_TAG, "1 INVITE"))
    ack487 = crlf([
        "ACK sip:ivan@203.0.113.21:5060 SIP/2.0",
        f"Via: SIP/2.0/UDP 192.0.2.10:5060;branch={B_MOBILE}",
        "Max-Forwards: 70",
        FROM_PETER,
        f"To: <sip:ivan@domain.ru>;tag={MOBILE_TAG}",
        f"Call-ID: {CALL_ID}",
        "CSeq: 1 ACK",
    ])
    sip(t_487, "proxy", "ivan-mobile", ack487)

    # Peter: 200 OK arrives, dialog confirmed, ACK goes straight to the laptop's Contact.
    add(t_peter_200, "peter-pc", "txn.state", txn=f"{B_PETER}/INVITE/client",
        **{"from": "Proceeding", "to": "Terminated"})
    add(t_peter_200, "peter-pc", "dialog.state", dialog=f"{CALL_ID};{PETER_TAG};{LAPTOP_TAG}", state="confirmed")
    add(t_peter_200, "peter-pc", "call.event", call=1, event="answered", code=200)
    ack = crlf([
        "ACK sip:ivan@203.0.113.22:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK74bfa;rport",
        "Max-Forwards: 70",
        FROM_PETER,
        f"To: <sip:ivan@domain.ru>;tag={LAPTOP_TAG}",
        f"Call-ID: {CALL_ID}",
        "CSeq: 1 ACK",
    ])
    sip(t_peter_200, "peter-pc", "ivan-laptop", ack)
    add(t_peter_200, "peter-pc", "call.event", call=1, event="established")

    # Hang-up by the callee 20 s after answering, straight to peter's Contact.
    t_bye = t_answer + 20_000_000
    bye = crlf([
        "BYE sip:peter@198.51.100.10:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 203.0.113.22:5060;branch=z9hG4bKnashds10;rport",
        "Max-Forwards: 70",
        f"From: <sip:ivan@domain.ru>;tag={LAPTOP_TAG}",
        f'To: "Peter" <sip:peter@example.org>;tag={PETER_TAG}',
        f"Call-ID: {CALL_ID}",
        "CSeq: 231 BYE",
    ])
    t = sip(t_bye, "ivan-laptop", "peter-pc", bye)
    bye_ok = crlf([
        "SIP/2.0 200 OK",
        "Via: SIP/2.0/UDP 203.0.113.22:5060;branch=z9hG4bKnashds10;rport=5060;received=203.0.113.22",
        f"From: <sip:ivan@domain.ru>;tag={LAPTOP_TAG}",
        f'To: "Peter" <sip:peter@example.org>;tag={PETER_TAG}',
        f"Call-ID: {CALL_ID}",
        "CSeq: 231 BYE",
    ])
    add(t, "peter-pc", "dialog.state", dialog=f"{CALL_ID};{PETER_TAG};{LAPTOP_TAG}", state="terminated")
    add(t, "peter-pc", "call.event", call=1, event="ended")
    sip(t, "peter-pc", "ivan-laptop", bye_ok)

    for (frm, to), (sent, lost, qd, nbytes) in sorted(link_stats.items()):
        a, b = sorted([frm, to])
        add(40_000_000, frm, "link.stats", link=f"{a}--{b}", **{"from": frm, "to": to},
            sent=sent, lost=lost, queue_drops=qd, bytes=nbytes)

    events.sort(key=lambda e: (e[0], e[1]))
    out = sys.stdout
    for t_us, _, ev in events:
        secs = f"{t_us // 1_000_000}.{t_us % 1_000_000:06d}".rstrip("0").rstrip(".")
        ev["t"] = "@T@"
        line = json.dumps(ev, separators=(",", ":"), ensure_ascii=False)
        out.write(line.replace('"@T@"', secs, 1) + "\n")


if __name__ == "__main__":
    main()
