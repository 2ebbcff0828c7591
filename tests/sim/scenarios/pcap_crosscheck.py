#!/usr/bin/env python3
"""Cross-checks a `siplab run` output folder: the SIP requests per method and
responses per status code in report.json must equal what tshark's sip,stat
tap counts in the pcaps of the sending interfaces.  Every message is counted
once, where it left: each SIP node's own interface capture, filtered to the
packets whose source is that node's address.

usage: pcap_crosscheck.py RUN_DIR CROSSCHECK_SCRIPT
"""
import json
import os
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    run_dir, crosscheck = argv[1], argv[2]
    nodes = {}
    with open(os.path.join(run_dir, "trace.jsonl"), encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if event["kind"] != "node.info":
                break
            if set(event["roles"]) & {"ua", "proxy", "registrar"}:
                nodes[event["node"]] = event["addresses"][0]
    if not nodes:
        sys.exit(f"{run_dir}: no SIP node in the trace")
    with tempfile.TemporaryDirectory() as tmp:
        filtered = []
        for name, address in sorted(nodes.items()):
            own = [p for p in os.listdir(run_dir) if p.startswith(name + "-") and p.endswith(".pcap")]
            for pcap in sorted(own):
                out = os.path.join(tmp, pcap)
                subprocess.run(["tshark", "-r", os.path.join(run_dir, pcap), "-Y", f"ip.src=={address}",
                                "-w", out], check=True, capture_output=True)
                filtered.append(out)
        return subprocess.run([sys.executable, crosscheck, os.path.join(run_dir, "report.json")] + filtered).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
