"""A fault-injecting TCP proxy on 127.0.0.1 in front of an HTTP/1.1 server (s3rver), the Python sibling of the
integration tests' FaultProxy.cs: request heads are read (Content-Length bodies), so a fault is decided per request,
also in the middle of a kept-alive connection of the client's pool.

Kinds: drop (FIN, no answer), reset (RST), stall (request read, never answered; closed after `stall_seconds`),
503 (an S3 SlowDown answer, then closed), cut (head and part of the body upstream, then both sides reset),
corrupt (one body byte flipped on the way to the server: the store keeps other bytes than the client sent).
The mode is set by the soak's scheduler: `pass`, `storm` (every request answered 503), `down` (every connection
reset at once) or `flaky` (a seeded random fraction of requests gets a random kind).
"""
import random
import socket
import struct
import threading

KINDS = ("drop", "reset", "stall", "503", "cut", "corrupt")
SLOW_DOWN = (b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: 107\r\nConnection: close\r\n\r\n"
             b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>soak</Message></Error>")
SLOW_DOWN = SLOW_DOWN.replace(b"Content-Length: 107", b"Content-Length: %d" % len(SLOW_DOWN.split(b"\r\n\r\n", 1)[1]))


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


def _recv_exact(sock: socket.socket, n: int, buffered: bytearray) -> bytes | None:
    while len(buffered) < n:
        chunk = sock.recv(max(65536, n - len(buffered)))
        if not chunk:
            return None
        buffered += chunk
    out = bytes(buffered[:n])
    del buffered[:n]
    return out


class FaultProxy:
    def __init__(self, upstream_port: int, seed: int, stall_seconds: float = 20.0):
        self.upstream_port = upstream_port
        self.stall_seconds = stall_seconds
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._mode = "pass"
        self._fraction = 0.0
        self.counts: dict[str, int] = {k: 0 for k in KINDS}
        self.requests = 0
        self.heads: list[bytes] = []   # the first request heads seen, for a look at what the client sent
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def faults(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def set_mode(self, mode: str, fraction: float = 0.0) -> None:
        with self._lock:
            self._mode, self._fraction = mode, fraction
        if mode == "down":   # the store goes away: connections already open die too
            for s in list(self._open):
                _reset(s)

    def _decide(self, has_body: bool) -> str:
        with self._lock:
            self.requests += 1
            if self._mode == "pass":
                return "pass"
            if self._mode == "storm":
                kind = "503"
            elif self._mode == "down":
                kind = "reset"
            elif self._rng.random() >= self._fraction:
                return "pass"
            else:
                kind = self._rng.choice(KINDS if has_body else ("drop", "reset", "stall", "503"))
            self.counts[kind] += 1
            return kind

    def close(self) -> None:
        self._stopped.set()
        _close(self._listener)
        for s in list(self._open):
            _close(s)

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._mode == "down":
                with self._lock:
                    self.counts["reset"] += 1
                _reset(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        self._open.update((client, upstream))
        threading.Thread(target=self._pump_back, args=(upstream, client), daemon=True).start()
        buffered = bytearray()
        try:
            while True:
                while b"\r\n\r\n" not in buffered:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buffered += chunk
                    if len(buffered) > 65536:
                        raise OSError("request head too long")
                end = buffered.index(b"\r\n\r\n") + 4
                head = bytes(buffered[:end])
                del buffered[:end]
                if len(self.heads) < 300:
                    self.heads.append(head)
                length, chunked = 0, False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                    elif name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                if chunked:   # not ours to frame: pass the rest of the connection through untouched
                    upstream.sendall(head + bytes(buffered))
                    buffered.clear()
                    while chunk := client.recv(65536):
                        upstream.sendall(chunk)
                    return
                kind = self._decide(length > 0)
                if kind == "drop":
                    return
                if kind == "reset":
                    _reset(client)
                    return
                if kind == "503":
                    _recv_exact(client, length, buffered)
                    client.sendall(SLOW_DOWN)
                    return
                if kind == "stall":
                    self._stopped.wait(self.stall_seconds)
                    return
                if kind == "cut":   # the head goes first: the server answers an Expect: 100-continue
                    upstream.sendall(head)
                    body = _recv_exact(client, min(256 * 1024, length // 2), buffered)
                    if body is not None:
                        upstream.sendall(body)
                    _reset(upstream)
                    _reset(client)
                    return
                upstream.sendall(head)
                left = length
                flip = self._rng.randrange(length) if kind == "corrupt" else -1
                sent = 0
                while left > 0:
                    if not buffered:
                        chunk = client.recv(min(1 << 20, left))
                        if not chunk:
                            return
                        buffered += chunk
                    piece = bytearray(buffered[:left])
                    del buffered[:len(piece)]
                    if 0 <= flip - sent < len(piece):
                        piece[flip - sent] ^= 0xFF
                    upstream.sendall(piece)
                    sent += len(piece)
                    left -= len(piece)
        except OSError:
            pass
        finally:
            self._open.discard(client)
            self._open.discard(upstream)
            _close(client)
            _close(upstream)

    @staticmethod
    def _pump_back(upstream: socket.socket, client: socket.socket) -> None:
        try:
            while chunk := upstream.recv(65536):
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                client.shutdown(socket.SHUT_WR)
            except OSError:
                pass
