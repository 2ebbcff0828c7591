#!/usr/bin/env python3
"""Golden test for the ladders of a bundled scenario's run: ladder.txt and
ladder.mmd must equal the reviewed files in golden/, and ladder.svg must be
well-formed SVG with one arrow per message (every SIP message sent, every DNS
query and every DNS answer in the trace).

usage: golden_check.py RUN_DIR GOLDEN_DIR NAME CHECK_SVG [--update]
"""
import difflib
import json
import os
import shutil
import subprocess
import sys


def main(argv):
    if len(argv) not in (5, 6):
        sys.exit(__doc__)
    run_dir, golden_dir, name, check_svg = argv[1:5]
    update = len(argv) == 6 and argv[5] == "--update"
    status = 0
    for ladder, suffix in (("ladder.txt", "ascii.txt"), ("ladder.mmd", "mmd")):
        got_path = os.path.join(run_dir, ladder)
        golden_path = os.path.join(golden_dir, f"{name}.{suffix}")
        if update:
            shutil.copyfile(got_path, golden_path)
            continue
        with open(got_path, encoding="utf-8") as f:
            got = f.read().splitlines(keepends=True)
        with open(golden_path, encoding="utf-8") as f:
            want = f.read().splitlines(keepends=True)
        if got != want:
            status = 1
            sys.stdout.writelines(difflib.unified_diff(want, got, golden_path, got_path))
    arrows = 0
    with open(os.path.join(run_dir, "trace.jsonl"), encoding="utf-8") as f:
        for line in f:
            kind = json.loads(line)["kind"]
            arrows += kind in ("sip.send", "dns.query", "dns.serve")
    svg = subprocess.run([sys.executable, check_svg, os.path.join(run_dir, "ladder.svg"), str(arrows)])
    status = status or svg.returncode
    if status == 0:
        print(f"{name}: ladders match the golden files; svg has {arrows} arrows")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
