#!/usr/bin/env python3
"""Cross-checks a siplab report.json against captures: the SIP requests per
method and responses per status code in report["sip_messages"] must equal
what `tshark -r F -q -z sip,stat` counts over the pcaps of the sending
interfaces (each message captured once, where it was sent).

usage: sip_stat_crosscheck.py REPORT_JSON PCAP...
exit 0 when every count matches, 1 with the differences listed otherwise,
2 when tshark or the inputs cannot be read.
"""
import json
import re
import subprocess
import sys
from collections import Counter

STATUS_RE = re.compile(r"^\s*SIP (\d{3}) .*?:\s*(\d+) Packets\s*$")
METHOD_RE = re.compile(r"^\s*([A-Z][A-Z0-9_-]*)\s*:\s*(\d+) Packets\s*$")


def tshark_counts(pcap):
    """(requests per method, responses per code) from tshark's sip,stat tap."""
    try:
        out = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "sip,stat"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"{pcap}: tshark failed: {e}")
    requests, responses = Counter(), Counter()
    section = None
    for line in out.splitlines():
        if "SIP Status Codes" in line:
            section = "status"
        elif "List of SIP Request methods" in line:
            section = "methods"
        elif line.startswith("* "):
            section = None
        elif section == "status" and (m := STATUS_RE.match(line)):
            responses[m.group(1)] += int(m.group(2))
        elif section == "methods" and (m := METHOD_RE.match(line)):
            requests[m.group(1)] += int(m.group(2))
    return requests, responses


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    try:
        with open(argv[1], encoding="utf-8") as f:
            report = json.load(f)
        expected = report["sip_messages"]
    except (OSError, ValueError, KeyError) as e:
        print(f"{argv[1]}: not a siplab report: {e}", file=sys.stderr)
        return 2
    requests, responses = Counter(), Counter()
    for pcap in argv[2:]:
        r, s = tshark_counts(pcap)
        requests.update(r)
        responses.update(s)
    problems = []
    for kind, want, got in (("request", Counter(expected["requests"]), requests),
                            ("response", Counter(expected["responses"]), responses)):
        for key in sorted(set(want) | set(got)):
            if want[key] != got[key]:
                problems.append(f"{kind} {key}: report {want[key]}, tshark {got[key]}")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"ok: {sum(requests.values())} requests and {sum(responses.values())} responses match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
