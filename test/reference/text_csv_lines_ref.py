"""Reference for src/host/text/rows.ts: the 0-based line where each CSV record starts, from
Python's csv module (RFC 4180 quoting; reader.line_num counts the physical lines consumed).

params: {"file": path}
output: {"starts": [int, ...]}
"""
import csv, json, os, sys

d = sys.argv[1]
p = json.load(open(os.path.join(d, "params.json")))
starts = []
with open(p["file"], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    prev = 0
    for _ in r:
        starts.append(prev)
        prev = r.line_num
print(json.dumps({"starts": starts}))
