#!/bin/sh
# Same scenario + same seed = byte-identical outputs; another seed may differ.
# usage: reproducible.sh SIPLAB SCENARIO WORKDIR
set -u
siplab=$1 scenario=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$siplab" run -q "$scenario" -o "$work/a" >/dev/null
"$siplab" run -q "$scenario" -o "$work/b" >/dev/null
status=0
for f in trace.jsonl ladder.txt ladder.svg ladder.mmd ladder.puml ladder.html report.json report.md topology.dot; do
  if ! cmp -s "$work/a/$f" "$work/b/$f"; then
    echo "differs between two runs with the same seed: $f"
    status=1
  fi
done
for p in "$work"/a/*.pcap; do
  cmp -s "$p" "$work/b/$(basename "$p")" || { echo "differs: $(basename "$p")"; status=1; }
done
[ $status -eq 0 ] && echo "identical: $(ls "$work/a" | wc -l) files"
exit $status
