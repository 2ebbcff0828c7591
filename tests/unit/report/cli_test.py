#!/usr/bin/env python3
"""Runs the `ladder` and `report` subcommands (built into a test binary from
sim/main.cc and the two command files) and checks output and exit codes.

usage: cli_test.py CLI_BINARY DATA_DIR WORKDIR
"""
import json
import os
import subprocess
import sys

failures = []


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def check(name, cond, detail=""):
    if not cond:
        failures.append(f"{name}: {detail}")


def main():
    seed = os.path.join(DATA, "seed_call.jsonl")
    bad = os.path.join(DATA, "malformed.jsonl")
    os.makedirs(WORK, exist_ok=True)

    r = run("ladder", seed, "--format", "mermaid", "--sip-only")
    check("mermaid exit", r.returncode == 0, r.stderr)
    check("mermaid header", r.stdout.startswith("sequenceDiagram\n"), r.stdout[:40])
    check("mermaid lost arrow", "    c1-xc2: INVITE (lost: link-loss) [5119.000 ms +0.000]\n" in r.stdout, r.stdout)
    check("mermaid no dns", "NAPTR" not in r.stdout)

    r = run("ladder", seed, "--call-id", "3848276298220188511@198.51.100.10", "--from", "27s", "--to", "27146ms")
    check("window exit", r.returncode == 0, r.stderr)
    check("window arrows", r.stdout.count("|<---") + r.stdout.count("--->|") == 2, r.stdout)

    out = os.path.join(WORK, "ladder.svg")
    r = run("ladder", seed, "--format", "svg", "-o", out)
    check("svg exit", r.returncode == 0 and r.stdout == "", r.stderr)
    check("svg file", open(out, encoding="utf-8").read().count('<g class="arrow"') == 44)

    r = run("ladder", bad)
    check("malformed exit", r.returncode == 2, str(r.returncode))
    check("malformed message", r.stderr.startswith(f"siplab ladder: {bad}:2:"), r.stderr)

    r = run("ladder", seed, "--format", "png")
    check("bad format", r.returncode == 2 and "unknown format \"png\"" in r.stderr, r.stderr)
    r = run("ladder", seed, "--from", "soon")
    check("bad time", r.returncode == 2 and "--from \"soon\" is not a time" in r.stderr, r.stderr)
    r = run("ladder", "/nonexistent.jsonl")
    check("missing trace", r.returncode == 2 and "cannot open trace file" in r.stderr, r.stderr)

    out = os.path.join(WORK, "report.json")
    r = run("report", seed, "--json", "-o", out)
    check("report json exit", r.returncode == 0, r.stderr)
    report = json.load(open(out, encoding="utf-8"))
    check("report ser", report["rfc6076"]["aggregate"]["ser"]["percent"] == 100.0)
    r = run("report", seed)
    check("report md", r.returncode == 0 and r.stdout.startswith("# siplab timing report\n"), r.stdout[:40])
    r = run("report", bad, "--md")
    check("report malformed", r.returncode == 2 and r.stderr.startswith(f"siplab report: {bad}:2:"), r.stderr)
    r = run("report", seed, "--json", "--md")
    check("json excludes md", r.returncode == 2, str(r.returncode))

    if failures:
        print("\n".join(failures))
        return 1
    print("ok: cli")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    CLI, DATA, WORK = sys.argv[1:]
    sys.exit(main())
