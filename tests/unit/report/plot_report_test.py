#!/usr/bin/env python3
"""Runs scripts/plot_report.py on reports made from the seed trace and checks
the files it must write (PNG signature, well-formed SVG) and its exit codes.

usage: plot_report_test.py REPORT_TOOL TRACE PLOT_SCRIPT PYTHON_WITH_MATPLOTLIB WORKDIR
"""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET


def main(tool, trace, plot, python, work):
    shutil.rmtree(work, ignore_errors=True)
    reports = []
    for name in ("loss-0", "loss-1", "loss-5"):
        os.makedirs(os.path.join(work, name))
        path = os.path.join(work, name, "report.json")
        subprocess.run([tool, trace, path], check=True)
        reports.append(path)
    out = os.path.join(work, "plots")
    run = subprocess.run([python, plot, *reports, "-o", out, "--sweep", "loss", "--values", "0,0.01,0.05",
                          "--metric", "rfc6076.aggregate.ser"], capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        return 1
    expected = [f"{n}.{ext}" for n in ("srd_cdf", "retransmissions", "sweep_rfc6076_aggregate_ser")
                for ext in ("png", "svg")]
    for name in expected:
        path = os.path.join(out, name)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            print(f"missing {path}")
            return 1
        with open(path, "rb") as f:
            head = f.read(8)
        if name.endswith(".png") and head != b"\x89PNG\r\n\x1a\n":
            print(f"{path} is not a PNG")
            return 1
        if name.endswith(".svg"):
            ET.parse(path)
    bad = subprocess.run([python, plot, trace, "-o", out], capture_output=True, text=True)
    if bad.returncode != 2 or "not a siplab report.json" not in bad.stderr:
        print(f"a trace instead of a report: exit {bad.returncode}, {bad.stderr!r}")
        return 1
    mismatch = subprocess.run([python, plot, *reports, "-o", out, "--sweep", "loss", "--values", "0,1"],
                              capture_output=True, text=True)
    if mismatch.returncode != 2 or "2 values for 3 reports" not in mismatch.stderr:
        print(f"value count mismatch: exit {mismatch.returncode}, {mismatch.stderr!r}")
        return 1
    print(f"ok: {len(expected)} plot files")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
