"""Reads the device output back with pydicom (an independent DICOM implementation) and prints what it found as JSON.

usage: read_back.py OBJECT_FILE RAW_FILE CAPTURE_FILE
OBJECT_FILE is the Comprehensive SR (its content tree is printed) or an Autorefraction / Lensometry Measurements
object (its eye sequences are printed). The test compares the printout with the parsed device message; nothing is
decided here.
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


def refraction(seq):
    item = seq[0]
    out = {"Sphere": float(item.SpherePower)}
    if "CylinderSequence" in item:
        out["Cylinder"] = float(item.CylinderSequence[0].CylinderPower)
        out["Axis"] = float(item.CylinderSequence[0].CylinderAxis)
    if "AddNearSequence" in item:
        out["AddNear"] = float(item.AddNearSequence[0].AddPower)
    if "AddIntermediateSequence" in item:
        out["AddIntermediate"] = float(item.AddIntermediateSequence[0].AddPower)
    return out


EYES = {"Right": ("AutorefractionRightEyeSequence", "RightLensSequence"), "Left": ("AutorefractionLeftEyeSequence", "LeftLensSequence")}

sr = pydicom.dcmread(sys.argv[1])
raw = pydicom.dcmread(sys.argv[2])
with open(sys.argv[3], "rb") as f:
    capture = f.read()

raw_bytes = raw[0x0009, 0x1010].value
count = int.from_bytes(raw[0x0009, 0x1014].value, "little") if isinstance(raw[0x0009, 0x1014].value, bytes) else int(raw[0x0009, 0x1014].value)
if str(sr.SOPClassUID).startswith("1.2.840.10008.5.1.4.1.1.78."):
    found = {"laterality": sr.MeasurementLaterality,
             "eyes": {eye: refraction(sr[k]) for eye, keys in EYES.items() for k in keys if k in sr}}
else:
    found = {"title": code(sr.ConceptNameCodeSequence), "content": walk(sr.ContentSequence)}
print(json.dumps(found | {
    "srSopClass": str(sr.SOPClassUID),
    "srModality": sr.Modality,
    "patientId": sr.PatientID,
    "rawSopClass": str(raw.SOPClassUID),
    "sameStudy": sr.StudyInstanceUID == raw.StudyInstanceUID,
    "rawCreator": raw[0x0009, 0x0010].value,
    "rawExact": raw_bytes[:count] == capture and count == len(capture) and len(raw_bytes) - count in (0, 1),
}))
