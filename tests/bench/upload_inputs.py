#!/usr/bin/python3
"""Inputs for tests/bench/upload.sh that make_inputs.py cannot make cheaply.

  upload_inputs.py huge DIR [MB=2048]   one multi-frame grayscale (16-bit) Secondary Capture instance of
                                        ~MB MiB of random pixel data, explicit VR little endian, written
                                        as a stream (the pixel data is never held in memory)
"""
import io
import os
import struct
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

MF_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3"
CHUNK = 16 * 1024 * 1024


def huge(out, mb=2048):
    rows = cols = 512
    frame = rows * cols * 2
    frames = max(1, round(mb * 1024 * 1024 / frame))
    length = frames * frame
    if length >= 0xFFFFFFFF:
        sys.exit("upload_inputs.py: pixel data must stay below 4 GiB")
    uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MF_GRAYSCALE_WORD_SC
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = MF_GRAYSCALE_WORD_SC
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "Bench^Huge"
    ds.PatientID = "BENCH0002"
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.AccessionNumber = ""
    ds.ReferringPhysicianName = ""
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
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
    head = io.BytesIO()
    if int(pydicom.__version__.split(".")[0]) >= 3:
        pydicom.dcmwrite(head, ds, enforce_file_format=True)
    else:
        ds.save_as(head, write_like_original=False)
    path = os.path.join(out, "huge.dcm")
    with open(path, "wb") as f:
        f.write(head.getvalue())
        # (7FE0,0010) OW, explicit VR LE: tag, VR, 2 reserved bytes, 32-bit length; then the value
        f.write(struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length))
        left = length
        while left:
            n = min(CHUNK, left)
            f.write(os.urandom(n))
            left -= n


def main(argv):
    if len(argv) < 3 or argv[1] != "huge":
        sys.exit(__doc__)
    os.makedirs(argv[2], exist_ok=True)
    huge(argv[2], *[int(a) for a in argv[3:]])


if __name__ == "__main__":
    main(sys.argv)
