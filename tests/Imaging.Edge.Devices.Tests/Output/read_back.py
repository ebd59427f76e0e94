"""Reads the device output back with pydicom (an independent DICOM implementation) and prints what it found as JSON.

usage: read_back.py SR_FILE RAW_FILE CAPTURE_FILE
The test compares the printout with the parsed device message; nothing is decided here.
"""
import json
import sys

import pydicom


def code(seq):
    item = seq[0]
    return f"{item.CodeValue}|{item.CodingSchemeDesignator}|{item.CodeMeaning}"


def walk(items):
    out = []
    for item in items:
        node = {"relationship": item.RelationshipType, "type": item.ValueType, "concept": code(item.ConceptNameCodeSequence)}
        if item.ValueType == "NUM":
            measured = item.MeasuredValueSequence[0]
            node["value"] = str(measured.NumericValue)
            node["units"] = code(measured.MeasurementUnitsCodeSequence)
        elif item.ValueType == "TEXT":
            node["value"] = item.TextValue
        if "ContentSequence" in item:
            node["children"] = walk(item.ContentSequence)
        out.append(node)
    return out


sr = pydicom.dcmread(sys.argv[1])
raw = pydicom.dcmread(sys.argv[2])
with open(sys.argv[3], "rb") as f:
    capture = f.read()

raw_bytes = raw[0x0009, 0x1010].value
count = int.from_bytes(raw[0x0009, 0x1014].value, "little") if isinstance(raw[0x0009, 0x1014].value, bytes) else int(raw[0x0009, 0x1014].value)
print(json.dumps({
    "srSopClass": str(sr.SOPClassUID),
    "srModality": sr.Modality,
    "patientId": sr.PatientID,
    "title": code(sr.ConceptNameCodeSequence),
    "content": walk(sr.ContentSequence),
    "rawSopClass": str(raw.SOPClassUID),
    "sameStudy": sr.StudyInstanceUID == raw.StudyInstanceUID,
    "rawCreator": raw[0x0009, 0x0010].value,
    "rawExact": raw_bytes[:count] == capture and count == len(capture) and len(raw_bytes) - count in (0, 1),
}))
