#!/usr/bin/env python3
"""A-ASSOCIATE-RQ PDUs as dcmtk echoscu/storescu send them (user identity, deflate, lossless, PDU sizes), captured on a
loopback socket, written as seeds of the negotiator and pdu targets under the corpus folder given (make-corpus.sh)."""
import socket, sys, struct, subprocess, hashlib, os
out = sys.argv[1]
variants = [
    ["echoscu", "-aet", "ECHO", "-aec", "EDGE"],
    ["storescu", "-aet", "MOD", "-aec", "EDGE", "-xe"],
    ["storescu", "-aet", "MOD", "-aec", "EDGE", "-xd", "--propose-deflated"],
    ["storescu", "-aet", "MOD", "-aec", "EDGE", "-R", "--propose-lossless"],
    ["storescu", "-aet", "MOD", "-aec", "EDGE", "--user", "alice", "--password", "x"],
    ["storescu", "-aet", "MOD", "-aec", "EDGE", "--max-send-pdu", "4096", "-pdu", "8192", "--propose-big"],
]
import pydicom.data
dcm = os.path.join(os.path.dirname(pydicom.data.__file__), "test_files", "CT_small.dcm")
for v in variants:
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(("127.0.0.1", 0)); srv.listen(1)
    port = srv.getsockname()[1]
    args = v + ["127.0.0.1", str(port)] + ([dcm] if v[0] == "storescu" else [])
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c, _ = srv.accept(); c.settimeout(5)
    data = b""
    while len(data) < 6 or len(data) < 6 + struct.unpack(">I", data[2:6])[0]:
        chunk = c.recv(65536)
        if not chunk: break
        data += chunk
    c.close(); srv.close(); p.kill(); p.wait()
    h = hashlib.sha256(data).hexdigest()[:12]
    for t, prefix in (("negotiator", b""), ("pdu", bytes([len(data) // 3 % 256]))):
        os.makedirs(f"{out}/{t}", exist_ok=True)
        open(f"{out}/{t}/seed-dcmtk-{h}", "wb").write(prefix + data)
    print(v[0], " ".join(v[5:]), len(data))
