#!/usr/bin/env python3
"""The DESIGN's peer for the merge benchmark: pycrdt (Yrs) applying the same updates.

Reads the harness's changes (JSON Lines: device, seq, key, value), makes one Yrs update per
change on a document per device (as each laptop would), then times a fresh document applying
all of them, one update at a time. Prints {"seconds": median, "updates": n} on stdout.
Exits 3 when pycrdt is not installed (pip install pycrdt).
"""
import json
import statistics
import sys
import time

try:
    import pycrdt
except ImportError:
    sys.exit(3)


def make_updates(rows):
    docs = {}
    updates = []
    for index, row in enumerate(rows):
        device = row["device"]
        if device not in docs:
            doc = pycrdt.Doc(client_id=len(docs) + 1)
            doc["state"] = pycrdt.Map()
            docs[device] = doc
        doc = docs[device]
        state = doc.get("state", type=pycrdt.Map)
        before = doc.get_state()
        with doc.transaction():
            state[row["key"]] = row["value"]
        updates.append(doc.get_update(before))
    return updates


def apply_all(updates):
    doc = pycrdt.Doc()
    doc["state"] = pycrdt.Map()
    start = time.perf_counter()
    for update in updates:
        doc.apply_update(update)
    elapsed = time.perf_counter() - start
    return elapsed, len(doc.get("state", type=pycrdt.Map))


def main():
    path, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(path) as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    updates = make_updates(rows)
    timings = []
    keys = 0
    for _ in range(runs):
        elapsed, keys = apply_all(updates)
        timings.append(elapsed)
    print(json.dumps({"seconds": statistics.median(timings), "updates": len(updates), "keys": keys}))


if __name__ == "__main__":
    main()
