"""A laboratory instrument on a serial cable for the soak: a socat pty pair (the gateway opens one end, as it would a
/dev/serial/by-id link), the player the other, sending the shipped ASTM capture again and again (CLSI LIS01-A2: ENQ,
each frame waiting for ACK, EOT), written from the standard like the integration tests' AstmInstrument.cs and
independent of the product's link code.

Every message is the capture's records with the soak's serial patient in the P record and a specimen ID of its own in
the O record (so that each acknowledged message can be found in the bucket), one record a frame as in the capture.
A message counts as acknowledged only when the last frame's ACK came (the gateway answers it after the commit); a
reply that does not come, a NAK or the cable gone (socat ends when the gateway's side is closed by a kill) ends the
message with EOT, and the next one goes over a new cable if needed.
"""
import os
import random
import select
import subprocess
import threading
import time

STX, ETX, EOT, ENQ, ACK, NAK, ETB = 0x02, 0x03, 0x04, 0x05, 0x06, 0x15, 0x17


def capture_records(blob: bytes) -> list[str]:
    """The records of a captured transfer: the frames' texts joined, split at CR."""
    text = b""
    for frame in blob.split(bytes([STX]))[1:]:
        end = next(i for i, b in enumerate(frame) if b in (ETX, ETB))
        text += frame[1:end]   # after the frame number
    return [r for r in text.decode("latin-1").split("\r") if r]


def frame(number: int, text: str, last: bool) -> bytes:
    """STX FN text ETB|ETX C1 C2 CR LF; the checksum is the sum of FN through ETB/ETX modulo 256, in upper-case hex."""
    body = f"{number}{text}".encode("latin-1") + bytes([ETX if last else ETB])
    return bytes([STX]) + body + b"%02X\r\n" % (sum(body) & 0xFF)


def frames(records: list[str]) -> list[bytes]:
    """One record a frame, each ended by ETX (a record that fits one frame), as the capture has them."""
    return [frame((i + 1) % 8, r + "\r", True) for i, r in enumerate(records)]


class SerialPlayer(threading.Thread):
    def __init__(self, folder: str, capture: str, patient, seed: int, stop: threading.Event, reply_seconds: float = 10):
        super().__init__(daemon=True, name="serial")
        self.gateway_end = os.path.join(folder, "ttyLAB0")
        self.device_end = os.path.join(folder, "device-side")
        with open(capture, "rb") as f:
            self.records = capture_records(f.read())
        self.patient, self.stop, self.reply_seconds = patient, stop, reply_seconds
        self.rng = random.Random(seed)
        self.sent = self.acked = self.plugs = 0
        self.acked_frames: list[bytes] = []   # each acknowledged message's frames, as they went down the cable
        self.error: BaseException | None = None
        self.socat: subprocess.Popen | None = None
        self.fd: int | None = None

    def plug(self) -> None:
        for link in (self.gateway_end, self.device_end):
            if os.path.islink(link):
                os.unlink(link)
        self.socat = subprocess.Popen(["socat", f"PTY,link={self.gateway_end},raw,echo=0", f"PTY,link={self.device_end},raw,echo=0"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (os.path.exists(self.gateway_end) and os.path.exists(self.device_end)):
            if self.socat.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("socat made no pty pair")
            time.sleep(0.02)
        self.fd = os.open(self.device_end, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.plugs += 1

    def unplug(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None
        if self.socat and self.socat.poll() is None:
            self.socat.terminate()   # SIGTERM: socat removes its links
            try:
                self.socat.wait(5)
            except subprocess.TimeoutExpired:
                self.socat.kill()
                self.socat.wait()
        for link in (self.gateway_end, self.device_end):   # a link left behind would name the next pty made
            if os.path.islink(link):
                os.unlink(link)

    def message(self, n: int) -> list[str]:
        out = []
        for record in self.records:
            fields = record.split("|")
            if fields[0] == "P":
                fields = ["P", "1", "", self.patient.id, "", self.patient.name, "", self.patient.birth_date, "F"]
            elif fields[0] == "O" and len(fields) > 2:
                fields[2] = f"SOAK-SPEC-{n:06d}"
            out.append("|".join(fields))
        return out

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.fd, view):]
            except BlockingIOError:
                select.select([], [self.fd], [], 1)

    def reply(self) -> int | None:
        """The next ACK, NAK or EOT (anything else skipped), or None when none came in time."""
        deadline = time.monotonic() + self.reply_seconds
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([self.fd], [], [], left)[0]:
                return None
            try:
                data = os.read(self.fd, 64)
            except BlockingIOError:
                continue
            for b in data:
                if b in (ACK, NAK, EOT):
                    return b
        return None

    def drain_input(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            if not os.read(self.fd, 4096):
                return

    def send(self, message: list[bytes]) -> bool:
        self.drain_input()
        self.write(bytes([ENQ]))
        if self.reply() != ACK:
            self.write(bytes([EOT]))
            return False
        for f in message:
            self.write(f)
            if self.reply() != ACK:
                self.write(bytes([EOT]))
                return False
        self.write(bytes([EOT]))
        return True

    def run(self) -> None:
        try:
            self.plug()
            n = 0
            while not self.stop.is_set():
                if self.socat.poll() is not None:   # the gateway's side was closed (a kill): plug a new cable
                    self.unplug()
                    self.plug()
                n += 1
                message = frames(self.message(n))
                self.sent += 1
                try:
                    ok = self.send(message)
                except OSError:   # the cable went away in the middle
                    ok = False
                    self.unplug()
                    self.plug()
                if ok:
                    self.acked += 1
                    self.acked_frames.append(b"".join(message))
                self.stop.wait(self.rng.uniform(0.3, 1.2) if ok else 0.5)
        except BaseException as e:   # the main thread reports it
            self.error = e
        finally:
            self.unplug()
