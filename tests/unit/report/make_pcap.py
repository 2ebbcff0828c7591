#!/usr/bin/env python3
"""Writes one pcap per sending node from a trace.jsonl's sip.send events
(Ethernet/IPv4/UDP, timestamps = simulated time), so the tshark cross-check
can run before the ns-3 runtime writes real per-interface captures.

usage: make_pcap.py [--merged] TRACE OUTDIR
  -> OUTDIR/<node>.pcap for each sender, or with --merged one
     OUTDIR/senders.pcap holding every sender's packets (one tshark run).
"""
import json
import os
import struct
import sys


def ip_bytes(text):
    return bytes(int(x) for x in text.split("."))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def packet(src, dst, payload, ident):
    sip, sport = src.rsplit(":", 1)
    dip, dport = dst.rsplit(":", 1)
    udp = struct.pack("!HHHH", int(sport), int(dport), 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0, 64, 17, 0,
                      ip_bytes(sip), ip_bytes(dip))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + hdr + udp


def main(trace, outdir, merged):
    os.makedirs(outdir, exist_ok=True)
    files = {}
    ident = 0
    with open(trace, encoding="utf-8") as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("kind") != "sip.send" or ev.get("transport") != "UDP":
                continue
            node = "senders" if merged else ev["node"]
            if node not in files:
                out = open(os.path.join(outdir, f"{node}.pcap"), "wb")
                out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
                files[node] = out
            ident += 1
            data = packet(ev["src"], ev["dst"], ev["msg"].encode("utf-8"), ident)
            t = ev["t"]
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            files[node].write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
    for out in files.values():
        out.close()
    print(" ".join(sorted(os.path.join(outdir, f"{n}.pcap") for n in files)))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--merged"]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], "--merged" in sys.argv[1:])
