#!/usr/bin/env python3
"""Writes the capture files of hardware-profiles/captures/ from the protocol description (CLSI LIS01-A2 framing,
ASTM E1394 records), independently of the C# code they test. Run once; the output is checked in.
A capture holds the bytes as the device sends them (ENQ, frames, EOT), not the gateway's replies."""
import os, sys

ENQ, STX, ETX, EOT, ETB, CR, LF = b"\x05", b"\x02", b"\x03", b"\x04", b"\x17", b"\r", b"\n"

def frame(fn, text, last):
    body = bytes([ord("0") + fn % 8]) + text + (ETX if last else ETB)
    return STX + body + b"%02X" % (sum(body) % 256) + CR + LF

def transfer(records, max_frame):
    """One record per message-level block (ETX), a record longer than a frame cut into ETB frames (LIS01-A2 8.3)."""
    room = max_frame - 7
    out, fn = ENQ, 1
    for record in records:
        text = record.encode("latin-1") + CR
        chunks = [text[i:i + room] for i in range(0, len(text), room)]
        for i, chunk in enumerate(chunks):
            out += frame(fn, chunk, i == len(chunks) - 1)
            fn += 1
    return out + EOT

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "hardware-profiles", "captures")

generic = [
    "H|\\^&|||Analyser^2.0|||||||P|LIS2-A2|20261201103000",
    "P|1|PAT-1001",
    "O|1|SPEC-501||^^^GLU\\^^^CREA\\^^^K|R|20261201101500",
    "R|1|^^^GLU|5.4|mmol/L|3.9-6.1|N||F||||20261201102500",
    "R|2|^^^CREA|142|umol/L|45-110|H||F||||20261201102510",
    "R|3|^^^K|4.1|mmol/L|3.5-5.1|N||F||||20261201102520",
    "C|1|I|Lipaemic&S&slight|G",
    "L|1|N",
]
qc = [
    "H|\\^&|||Analyser^2.0|||||||Q|LIS2-A2|20261201060000",
    "P|1",
    "O|1|QC-LOT-77||^^^GLU|Q",
    "R|1|^^^GLU|5.1|mmol/L|4.8-5.6|N||F||||20261201055900",
    "L|1|N",
]
bg = [
    "H|\\!~|||BG-900!3.1|||||||P|LIS2-A2|20261201114500",
    "P|1|PAT-2002",
    "O|1|ABG-88||!!!pH\\!!!pCO2\\!!!pO2|S",
    "R|1|!!!pH|7.41||7.35-7.45|N||F||||20261201114000",
    "R|2|!!!pCO2|5.9|kPa|4.7-6.0|N||F||||20261201114000",
    "R|3|!!!pO2|9.1|kPa|11.0-14.4|L||F||||20261201114000",
    "R|4|!!!BARO|101.2|kPa||||F||||20261201114000",
    "R|5|!!!Na|138|mmol/L|135-145|N||F||||20261201114000",
    "R|6|!!!K|3.2|mmol/L|3.5-5.1|L||F||||20261201114000",
    "C|1|I|" + "Sample drawn from arterial line~E~ flushed before sampling; " * 5 + "end|G",
    "L|1|N",
]
for folder, name, records, max_frame in [
    ("astm-e1394", "results", generic, 64000),
    ("astm-e1394", "qc", qc, 64000),
    ("example-bloodgas-bg900", "arterial", bg, 247),
]:
    with open(os.path.join(root, folder, name + ".astm"), "wb") as f:
        f.write(transfer(records, max_frame))
