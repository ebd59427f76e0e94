#!/usr/bin/python3
"""Benchmark inputs for tests/bench/ingest.sh and upload.sh (pydicom, Debian's python3-pydicom).

  make_inputs.py small DIR [N=1000]          N copies of pydicom's CT_small.dcm, fresh
                                             SOP Instance UIDs, one new study/series
  make_inputs.py large DIR [N=3] [MB=50]     N multi-frame grayscale (16-bit) Secondary
                                             Capture instances of ~MB megabytes of random
                                             pixel data, explicit VR little endian
  make_inputs.py huge DIR [MB=2048]          one such instance of ~MB MiB, written as a stream
                                             (the pixel data is never held in memory)
"""
import io
import os
import struct
import sys

import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_SMALL = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"
MF_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3"
ROWS = COLS = 512
FRAME = ROWS * COLS * 2
CHUNK = 16 * 1024 * 1024


def write(ds, target):
    """Part 10 file with File Meta Information (pydicom 2.x and 3.x); target is a path or a stream."""
    if int(pydicom.__version__.split(".")[0]) >= 3:
        pydicom.dcmwrite(target, ds, enforce_file_format=True)
    else:
        ds.save_as(target, write_like_original=False)


def small(out, n=1000):
    src = pydicom.dcmread(CT_SMALL if os.path.exists(CT_SMALL) else get_testdata_file("CT_small.dcm"))
    study, series = generate_uid(), generate_uid()
    src.StudyInstanceUID = study
    src.SeriesInstanceUID = series
    for i in range(n):
        uid = generate_uid()
        src.SOPInstanceUID = uid
        src.file_meta.MediaStorageSOPInstanceUID = uid
        src.InstanceNumber = i + 1
        write(src, os.path.join(out, f"ct{i:05d}.dcm"))


def frames_for(mb):
    return max(1, round(mb * 1024 * 1024 / FRAME))


def multiframe(study, series, frames, number, name):
    """A multi-frame grayscale word Secondary Capture data set without its pixel data."""
    uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MF_GRAYSCALE_WORD_SC
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = MF_GRAYSCALE_WORD_SC
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.PatientName = "Bench^" + name
    ds.PatientID = "BENCH" + name.upper()
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.AccessionNumber = ""
    ds.ReferringPhysicianName = ""
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = number
    ds.Modality = "OT"
    ds.ConversionType = "WSD"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = frames
    ds.Rows = ROWS
    ds.Columns = COLS
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.FrameIncrementPointer = 0x00181063
    ds.FrameTime = 40
    return ds


def large(out, n=3, mb=50):
    frames = frames_for(mb)
    study, series = generate_uid(), generate_uid()
    for i in range(n):
        ds = multiframe(study, series, frames, i + 1, "Large")
        ds.PixelData = os.urandom(frames * FRAME)
        ds["PixelData"].VR = "OW"
        write(ds, os.path.join(out, f"mf{i:02d}.dcm"))


def huge(out, mb=2048):
    frames = frames_for(mb)
    length = frames * FRAME
    if length >= 0xFFFFFFFF:
        sys.exit("make_inputs.py: pixel data must stay below 4 GiB")
    head = io.BytesIO()
    write(multiframe(generate_uid(), generate_uid(), frames, 1, "Huge"), head)
    with open(os.path.join(out, "huge.dcm"), "wb") as f:
        f.write(head.getvalue())
        # (7FE0,0010) OW, explicit VR LE: tag, VR, 2 reserved bytes, 32-bit length; then the value
        f.write(struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length))
        left = length
        while left:
            n = min(CHUNK, left)
            f.write(os.urandom(n))
            left -= n


MODES = {"small": small, "large": large, "huge": huge}


def main(argv):
    if len(argv) < 3 or argv[1] not in MODES:
        sys.exit(__doc__)
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    MODES[argv[1]](out, *[int(a) for a in argv[3:]])


if __name__ == "__main__":
    main(sys.argv)
