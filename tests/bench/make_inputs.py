#!/usr/bin/python3
"""Benchmark inputs for tests/bench/ingest.sh (pydicom, Debian's python3-pydicom).

  make_inputs.py small DIR [N=1000]          N copies of pydicom's CT_small.dcm, fresh
                                             SOP Instance UIDs, one new study/series
  make_inputs.py large DIR [N=3] [MB=50]     N multi-frame grayscale (16-bit) Secondary
                                             Capture instances of ~MB megabytes of random
                                             pixel data, explicit VR little endian
"""
import os
import sys

import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_SMALL = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"
MF_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3"


def write(ds, path):
    """Part 10 file with File Meta Information (pydicom 2.x and 3.x)."""
    if int(pydicom.__version__.split(".")[0]) >= 3:
        pydicom.dcmwrite(path, ds, enforce_file_format=True)
    else:
        ds.save_as(path, write_like_original=False)


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


def large(out, n=3, mb=50):
    rows = cols = 512
    frame = rows * cols * 2
    frames = max(1, round(mb * 1024 * 1024 / frame))
    study, series = generate_uid(), generate_uid()
    for i in range(n):
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
        ds.PatientName = "Bench^Large"
        ds.PatientID = "BENCH0001"
        ds.StudyDate = "20240101"
        ds.StudyTime = "120000"
        ds.AccessionNumber = ""
        ds.ReferringPhysicianName = ""
        ds.StudyID = "1"
        ds.SeriesNumber = 1
        ds.InstanceNumber = i + 1
        ds.Modality = "OT"
        ds.ConversionType = "WSD"
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.NumberOfFrames = frames
        ds.Rows = rows
        ds.Columns = cols
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 0
        ds.RescaleIntercept = 0
        ds.RescaleSlope = 1
        ds.RescaleType = "US"
        ds.FrameIncrementPointer = 0x00181063
        ds.FrameTime = 40
        ds.PixelData = os.urandom(frames * frame)
        ds["PixelData"].VR = "OW"
        write(ds, os.path.join(out, f"mf{i:02d}.dcm"))


def main(argv):
    if len(argv) < 3 or argv[1] not in ("small", "large"):
        sys.exit(__doc__)
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    rest = [int(a) for a in argv[3:]]
    (small if argv[1] == "small" else large)(out, *rest)


if __name__ == "__main__":
    main(sys.argv)
