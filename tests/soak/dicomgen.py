"""Synthetic studies for the soak: Explicit VR Little Endian Part 10 files made with pydicom.

Every patient attribute and UID is recorded by the caller, so that the checks can look for them (the canaries) in
everything that left the gateway. Sizes are mixed: small instances (the gateway's in-memory path, <= 256 KiB),
medium ones (a spool file) and large ones above the soak's multipart threshold (5 MiB).
"""
import hashlib
import io
import random

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
SIZES = {"small": 96, "medium": 720, "large": 2600}  # rows = columns, 8-bit: 9 KB, 518 KB, 6.76 MB


def data_set_offset(blob: bytes) -> int:
    """Where the data set starts in a Part 10 file: after the preamble, DICM and the file meta group (0002)."""
    if blob[128:132] != b"DICM":
        raise ValueError("not a Part 10 file")
    pos = 132
    while pos + 8 <= len(blob):
        group = int.from_bytes(blob[pos:pos + 2], "little")
        if group != 2:
            return pos
        vr = blob[pos + 4:pos + 6]
        if vr in (b"OB", b"OW", b"OF", b"SQ", b"UT", b"UN", b"UC", b"UR", b"OD", b"OL", b"OV"):
            length = int.from_bytes(blob[pos + 8:pos + 12], "little")
            pos += 12 + length
        else:
            length = int.from_bytes(blob[pos + 6:pos + 8], "little")
            pos += 8 + length
    return pos


def transfer_syntax(blob: bytes) -> str:
    """The (0002,0010) value of a Part 10 file."""
    pos = 132
    end = data_set_offset(blob)
    while pos < end:
        tag = (int.from_bytes(blob[pos:pos + 2], "little"), int.from_bytes(blob[pos + 2:pos + 4], "little"))
        vr = blob[pos + 4:pos + 6]
        if vr in (b"OB", b"OW", b"OF", b"SQ", b"UT", b"UN", b"UC", b"UR", b"OD", b"OL", b"OV"):
            length = int.from_bytes(blob[pos + 8:pos + 12], "little")
            value_at = pos + 12
        else:
            length = int.from_bytes(blob[pos + 6:pos + 8], "little")
            value_at = pos + 8
        if tag == (2, 0x10):
            return blob[value_at:value_at + length].rstrip(b"\0 ").decode("ascii")
        pos = value_at + length
    return ""


def data_set_sha256(blob: bytes) -> str:
    """SHA-256 of the data set alone: what the sender sent on the wire, whatever file meta a store puts around it."""
    return hashlib.sha256(memoryview(blob)[data_set_offset(blob):]).hexdigest()


class Patient:
    def __init__(self, rng: random.Random, label: str):
        token = "%08X" % rng.getrandbits(32)
        self.name = f"CANARY^{label}{token}"
        self.id = f"SOAK-{label}-{token}"
        self.birth_date = "19%02d%02d%02d" % (rng.randint(20, 99), rng.randint(1, 12), rng.randint(1, 28))
        self.studies: list["Study"] = []

    def attributes(self) -> list[str]:
        return [self.name, self.id, self.birth_date]


class Study:
    def __init__(self, patient: Patient):
        self.patient = patient
        self.uid = generate_uid()
        self.series_uid = generate_uid()
        self.number = 0


def make_instance(rng: random.Random, study: Study, size: str, sop_uid: str | None = None, comment: str = "") -> tuple[bytes, str]:
    """One instance of the study as Part 10 bytes; returns (bytes, sop instance uid)."""
    n = SIZES[size]
    study.number += 1
    sop_uid = sop_uid or generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = "1.2.826.0.1.3680043.10.1456.1"
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study.uid
    ds.SeriesInstanceUID = study.series_uid
    ds.PatientName = study.patient.name
    ds.PatientID = study.patient.id
    ds.PatientBirthDate = study.patient.birth_date
    ds.Modality = "OT"
    ds.ConversionType = "WSD"
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = study.number
    if comment:
        ds.ImageComments = comment
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = n
    ds.Columns = n
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = rng.randbytes(n * n)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue(), sop_uid
