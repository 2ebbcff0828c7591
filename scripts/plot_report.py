#!/usr/bin/python3
"""Plots from siplab report.json files (docs/metrics.md describes the keys).

    plot_report.py REPORT.json [REPORT.json ...] [-o DIR]
        srd_cdf.{png,svg}          CDF of Session Request Delay (RFC 6076 §4.3),
                                   to the first provisional and to the 2xx,
                                   one curve per report
        retransmissions.{png,svg}  retransmissions per method, one bar group
                                   per report

    plot_report.py R1.json R2.json ... --sweep loss --values 0,0.01,0.05 \
                   [--metric rfc6076.aggregate.srd_final_2xx_ms.p90] [-o DIR]
        sweep_<metric>.{png,svg}   the metric against the swept parameter
                                   (one report per value, same order)

Exit 2 on unreadable reports or bad arguments, with the reason.
"""
import argparse
import json
import os
import sys


plt = None  # matplotlib.pyplot, imported once the inputs are known to be good


def load_matplotlib():
    global plt
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot

    plt = matplotlib.pyplot

FORMATS = ("png", "svg")


def fail(message):
    print(f"plot_report.py: {message}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        report["rfc6076"]["sessions"]  # the minimum every plot needs
        return report
    except (OSError, ValueError, KeyError, TypeError) as e:
        fail(f"{path}: not a siplab report.json ({e})")


def lookup(report, dotted):
    value = report
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value["percent"] if isinstance(value, dict) and "percent" in value else value


def save(fig, outdir, name):
    paths = []
    for fmt in FORMATS:
        path = os.path.join(outdir, f"{name}.{fmt}")
        fig.savefig(path, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def ecdf(values):
    """Step points of the empirical CDF, starting from 0 at the smallest value
    (so a single sample still draws a visible step)."""
    xs = sorted(values)
    n = len(xs)
    return [xs[0]] + xs, [0.0] + [(i + 1) / n for i in range(n)]


def plot_srd_cdf(reports, names, outdir):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    drawn = 0
    for report, name in zip(reports, names):
        for key, style, what in (("srd_first_provisional_ms", "--", "first 18x"),
                                 ("srd_final_2xx_ms", "-", "2xx")):
            values = [s[key] for s in report["rfc6076"]["sessions"] if s.get(key) is not None]
            if not values:
                continue
            xs, ys = ecdf(values)
            ax.step(xs, ys, style, where="post", marker=".", label=f"{name}: {what} (n={len(values)})")
            drawn += 1
    ax.set_xlabel("Session Request Delay (ms)")
    ax.set_ylabel("fraction of sessions")
    ax.set_ylim(0, 1.02)
    ax.set_title("Session Request Delay CDF (RFC 6076 §4.3)")
    ax.grid(True, alpha=0.3)
    if drawn:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no session reached a provisional or 2xx response",
                ha="center", va="center", transform=ax.transAxes)
    return save(fig, outdir, "srd_cdf")


def plot_retransmissions(reports, names, outdir):
    methods = sorted({m for r in reports for m in r.get("transactions", {})})
    fig, ax = plt.subplots(figsize=(7, 4.5))
    width = 0.8 / max(len(reports), 1)
    for i, (report, name) in enumerate(zip(reports, names)):
        counts = [report.get("transactions", {}).get(m, {}).get("retransmissions", 0) for m in methods]
        ax.bar([x + i * width for x in range(len(methods))], counts, width, label=name)
    ax.set_xticks([x + width * (len(reports) - 1) / 2 for x in range(len(methods))])
    ax.set_xticklabels(methods)
    ax.set_ylabel("retransmissions")
    ax.set_title("Retransmissions per method")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(reports) > 1:
        ax.legend(fontsize=8)
    return save(fig, outdir, "retransmissions")


def plot_sweep(reports, values, param, metric, outdir):
    points = [(v, lookup(r, metric)) for v, r in zip(values, reports)]
    missing = [str(v) for v, y in points if y is None]
    if missing:
        fail(f"metric {metric} missing in the reports for {param} = {', '.join(missing)}")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot([p[0] for p in points], [p[1] for p in points], "o-")
    ax.set_xlabel(param)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} vs {param}")
    ax.grid(True, alpha=0.3)
    return save(fig, outdir, "sweep_" + metric.replace(".", "_"))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reports", nargs="+", help="report.json files")
    p.add_argument("-o", "--outdir", default=".", help="output folder (default: .)")
    p.add_argument("--sweep", metavar="PARAM", help="name of the swept parameter")
    p.add_argument("--values", help="comma-separated parameter values, one per report, in order")
    p.add_argument("--metric", default="rfc6076.aggregate.srd_final_2xx_ms.mean",
                   help="dotted key in report.json to plot against PARAM "
                        "(ratios plot their percent; default %(default)s)")
    args = p.parse_args(argv)

    reports = [load(path) for path in args.reports]
    names = [os.path.basename(os.path.dirname(os.path.abspath(path))) or path for path in args.reports]
    if len(set(names)) != len(names):
        names = args.reports
    values = None
    if args.sweep:
        if not args.values:
            fail("--sweep needs --values")
        try:
            values = [float(v) for v in args.values.split(",")]
        except ValueError:
            fail(f"--values must be numbers: {args.values}")
        if len(values) != len(reports):
            fail(f"{len(values)} values for {len(reports)} reports")
    os.makedirs(args.outdir, exist_ok=True)
    load_matplotlib()
    written = plot_srd_cdf(reports, names, args.outdir) + plot_retransmissions(reports, names, args.outdir)
    if args.sweep:
        written += plot_sweep(reports, values, args.sweep, args.metric, args.outdir)
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
