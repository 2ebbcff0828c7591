#!/usr/bin/env python3
"""Checks a ladder SVG: well-formed XML in the SVG namespace with exactly N
arrows (<g class="arrow">), each with a shaft and a <title> tooltip.

usage: check_svg.py FILE N     exit 0 when valid, 1 with the reason otherwise
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def main(path, expected):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"{path}: not well-formed XML: {e}")
        return 1
    if root.tag != NS + "svg":
        print(f"{path}: root element is {root.tag}, not svg")
        return 1
    arrows = [g for g in root.iter(NS + "g") if g.get("class") == "arrow"]
    if len(arrows) != expected:
        print(f"{path}: {len(arrows)} arrows, expected {expected}")
        return 1
    for g in arrows:
        if g.find(NS + "title") is None:
            print(f"{path}: arrow {g.get('data-index')} has no <title>")
            return 1
        shafts = [e for e in g if e.get("class") == "shaft" or e.tag == NS + "path"]
        if not shafts:
            print(f"{path}: arrow {g.get('data-index')} has no line")
            return 1
    print(f"ok: {len(arrows)} arrows")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
