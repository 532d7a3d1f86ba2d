"""Writes a CSV with Python's csv module (RFC 4180 quoting: separators, doubled
quotes and newlines inside quoted fields; CRLF line ends) and prints the rows it
wrote as JSON, so the engine's CSV parser is checked against an independent writer.

usage: /usr/bin/python3 io_csv_ref.py OUT.csv
"""
import csv
import json
import sys

rows = [
    ["word", "caption", "score", "label"],
    ["alpha", "plain text", "1.5", "a"],
    ["beta", 'has "quotes" inside', "-2", "b"],
    ["gamma", "has, commas, inside", "3e-3", "a"],
    ["delta", "spans\ntwo lines", "", "b"],
    ["epsilon", "trailing space ", "nan", "a"],
    ["zeta", "ünïcödé ✓", "inf", "b"],
    ["eta", "", "7", "a"],
    ["theta", '"fully quoted"', "8", "b"],
]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(rows)  # the csv module's default dialect ends lines with \r\n
print(json.dumps({"header": rows[0], "rows": rows[1:]}))
