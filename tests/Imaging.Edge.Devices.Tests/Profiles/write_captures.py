#!/usr/bin/env python3
"""Writes the capture files of hardware-profiles/captures/ from the protocol descriptions, independently of the C# code
they test: CLSI LIS01-A2 framing with ASTM E1394 records (.astm), STX/ETX framed text (.cap) and PPP-style escaped
binary frames, RFC 1662 (.bin). Run once; the output is checked in.
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

# --- stx-etx: <start> text <end> [check] -----------------------------------------------------------------------------
SOH = b"\x01"

def nidek(header, records):
    """NIDEK RT-5100 as the issue describes it: an <SOH> header line, <STX> ... <CR> records, <EOT>; no check."""
    out = SOH + header.encode("ascii") + CR
    for record in records:
        out += STX + record.encode("ascii") + CR
    return out + EOT

def sum8_frame(text, corrupt=None):
    """STX text ETX C1 C2: the sum of the text and ETX modulo 256 as two upper-case hex digits. With corrupt=(i, c),
    character i is changed on the way after the device computed the check, as line noise would do."""
    body = text.encode("ascii")
    check = b"%02X" % (sum(body + ETX) % 256)
    if corrupt is not None:
        i, c = corrupt
        body = body[:i] + c.encode("ascii") + body[i + 1:]
    return STX + body + ETX + check

# --- escaped-binary: RFC 1662 HDLC-like framing ----------------------------------------------------------------------
FLAG, ESC = 0x7E, 0x7D

def fcs16(data):
    """RFC 1662 C.2 FCS-16 (CRC-16/X-25): reflected polynomial 0x8408, initial 0xFFFF, the ones' complement sent."""
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF

assert fcs16(b"123456789") == 0x906E  # the published check value of CRC-16/X-25

def ppp_frame(payload):
    """Flag, the payload and its FCS (least significant byte first, RFC 1662 C.2) with 0x7E and 0x7D sent as 0x7D,
    byte ^ 0x20 (the device escapes only these two: no control-character map), flag."""
    fcs = fcs16(payload)
    out = bytes([FLAG])
    for b in payload + bytes([fcs & 0xFF, fcs >> 8]):
        out += bytes([ESC, b ^ 0x20]) if b in (FLAG, ESC) else bytes([b])
    return out + bytes([FLAG])

def vitals(heart_rate, spo2, systolic, diastolic):
    """The illustrative monitor's vitals frame: tag 0x01, heart rate (2 bytes, big-endian), SpO2 (1), NIBP systolic
    and diastolic (2 each, big-endian)."""
    return bytes([0x01]) + heart_rate.to_bytes(2, "big") + bytes([spo2]) + systolic.to_bytes(2, "big") + diastolic.to_bytes(2, "big")

def write(folder, name, data):
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    with open(os.path.join(root, folder, name), "wb") as f:
        f.write(data)

# both eyes; the left sphere fills its 6 characters, the left axis has two leading spaces
write("nidek-rt5100", "both-eyes.cap", nidek("NIDEK RT-5100", ["OR+ 1.25- 1.25150", "OL-10.25- 0.75  5"]))
# the right lens frame arrives with 'S-1.25' turned into 'S-9.25' (its check no longer adds up): the device is sent
# NAK and sends the frame again, intact
right = "R S-1.25 C-0.50 A180 ADD+2.00"
write("example-lensmeter-lm", "both-lenses.cap",
      sum8_frame("LM-2 V1.04") + sum8_frame("ID:PAT-3003") + sum8_frame(right, corrupt=(4, "9")) + sum8_frame(right)
      + sum8_frame("L S+0.75 C-0.25 A005 ADD+2.00") + EOT)
# heart rate 126 = 0x007E and systolic 125 = 0x007D: both must be escaped on the wire; a leading flag as idle fill
write("example-monitor-pm", "vitals.bin", bytes([FLAG]) + ppp_frame(vitals(126, 97, 125, 82)))

for folder, name, records, max_frame in [
    ("astm-e1394", "results", generic, 64000),
    ("astm-e1394", "qc", qc, 64000),
    ("example-bloodgas-bg900", "arterial", bg, 247),
]:
    with open(os.path.join(root, folder, name + ".astm"), "wb") as f:
        f.write(transfer(records, max_frame))
