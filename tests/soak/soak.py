#!/usr/bin/env python3
"""The chaos soak (tests/soak/README.md): many faults at once against the real gateway, then an independent check.

Started by tests/soak/run.sh. Runs the built `imaging-edge` with a config file over a fresh data folder (on a small
tmpfs where this user may mount one), s3rver behind faultproxy.py, Mosquitto, and 4 storescu senders; meanwhile it
SIGKILLs and restarts the gateway at random points, switches the proxy's fault modes, restarts Mosquitto, fills the
data disk past the gateway's reserve and frees it, and erases one canary patient through the control socket. Then it
stops the chaos, lets the gateway drain, stops it cleanly, and checks from the outside (the senders' own logs, the
s3rver folder, the data folder's bytes, the MQTT messages it recorded) -- never from the gateway's bookkeeping.

Its last line: soak: sent N, acknowledged N, refused N, kills N, faults N, lost N, corrupt N, leaks N
"""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import dicomgen
from faultproxy import FaultProxy
from serialplayer import SerialPlayer

AE = "IMAGING_EDGE"
SITE = "soak"
GATEWAYS = ("gw1", "gw2")   # two gateways of one site, one bucket: each its own data folder, port and key prefix
BUCKET, BACKUP_BUCKET = "soak", "soak-backup"
RESERVE_MB = 64
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERIAL_DEVICE = "soak-lab-1"


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def control_open(data: str) -> bool:
    """Whether the gateway's control socket (in its data folder) accepts a connection."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(0.5)
        try:
            s.connect(os.path.join(data, "control.sock"))
            return True
        except OSError:
            return False


def wait_until(condition, timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Gateway:
    """The gateway process: started, SIGKILLed (power-cut stand-in), restarted, stopped cleanly."""

    def __init__(self, name: str, exe: str, config: str, port: int, data: str, log_path: str):
        self.name, self.exe, self.config, self.port, self.data, self.log_path = name, exe, config, port, data, log_path
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()   # held by whoever kills, restarts or needs it up (the erasure)
        self.kills = 0
        self.starts = 0
        self.exited_alone: list[int] = []   # exit codes of the times the gateway stopped without being asked
        self.env = {k: v for k, v in os.environ.items() if k not in ("INVOCATION_ID", "NOTIFY_SOCKET", "JOURNAL_STREAM")}

    def start(self) -> None:
        """Starts the gateway and waits until its DICOM port is open (after start-up recovery)."""
        self.launch()
        proc = self.proc

        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"the gateway exited with {proc.returncode} while starting (see {self.log_path})")
            return port_open(self.port)
        wait_until(up, 120, "the gateway's DICOM port")

    def launch(self) -> None:
        """Starts the gateway without waiting for it."""
        out = open(self.log_path, "ab")
        out.write(f"---- start {self.starts} at {time.time():.3f}\n".encode())
        out.flush()
        self.proc = subprocess.Popen([self.exe, "run", "--config", self.config], stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=subprocess.STDOUT, env=self.env)
        out.close()
        self.starts += 1

    def kill(self) -> None:
        if self.proc and self.proc.poll() is not None:   # nobody asked it to stop: a finding, not a kill
            self.exited_alone.append(self.proc.returncode)
            return
        if self.proc:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.kills += 1

    def stop(self) -> int:
        if self.proc and self.proc.poll() is not None:
            self.exited_alone.append(self.proc.returncode)
            return 0
        if not self.proc:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("the gateway did not stop within 90 s of SIGTERM")

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([self.exe, *args, "--config", self.config], capture_output=True, text=True,
                              timeout=timeout, env=self.env, stdin=subprocess.DEVNULL)


class Mosquitto:
    """A private broker with persistence, so that QoS 1 messages queued for the recorder survive its restarts."""

    def __init__(self, folder: str):
        self.folder = folder
        self.port = free_port()
        os.makedirs(folder, exist_ok=True)
        self.conf = os.path.join(folder, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {folder}/\nautosave_interval 1\nmax_queued_messages 0\n"
                    f"log_dest stderr\nlog_type error\nlog_type warning\n")
            if os.getuid() == 0:
                f.write("user root\n")
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        with open(os.path.join(self.folder, "mosquitto.log"), "ab") as out:
            self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        wait_until(lambda: port_open(self.port), 20, "mosquitto")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def restart(self, down_seconds: float) -> None:
        self.stop()
        time.sleep(down_seconds)   # the broker stays away for a while: the gateway's outbox holds the events
        self.start()
        self.restarts += 1


class Recorder:
    """mosquitto_sub on everything, as a persistent QoS 1 session: every message the gateway published, kept raw."""

    def __init__(self, port: int, path: str):
        self.path = path
        self.proc = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", "#", "-q", "1", "-c", "-i", "soak-recorder",
             "-v"], stdin=subprocess.DEVNULL, stdout=open(path, "ab"), stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Ledger:
    """What the senders saw, from storescu's own output: every C-STORE sent, answered with success, or refused."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.acked: dict[tuple[str, str], dict] = {}   # (sop uid, data set sha256) -> facts
        self.acked_by: dict[tuple[str, str], set[str]] = {}   # (sop uid, data set sha256) -> gateways that acknowledged it
        self.acked_count = 0
        self.refused = 0
        self.uids: set[str] = set()                   # every UID of every instance made (the MQTT check)
        self.patients: list[dicomgen.Patient] = []


STORE_REQ = re.compile(r"^I: Sending Store Request")
SENDING = re.compile(r"^I: Sending file: (.+)$")
RESPONSE = re.compile(r"^I: Received Store Response \((.*)\)")


class Sender(threading.Thread):
    """One device: sends batches of new instances of its patients' studies over storescu, re-sends some it had
    acknowledged (same bytes, and other bytes under the same SOP Instance UID), and retries what was not."""

    def __init__(self, index: int, soak: "Soak"):
        super().__init__(daemon=True, name=f"sender{index}")
        self.index, self.soak = index, soak
        # senders spread over the gateways of the site; now and then one sends to the other gateway (re-routed)
        self.home = soak.gateways[index % len(soak.gateways)]
        self.others = [g for g in soak.gateways if g is not self.home]
        self.rng = random.Random(soak.seed * 100 + index)
        self.folder = os.path.join(soak.tmp, f"sender{index}")
        os.makedirs(self.folder)
        self.files: dict[str, dict] = {}   # path -> facts
        self.retry: list[str] = []
        self.mine_acked: list[str] = []
        self.counter = 0
        self.error: BaseException | None = None
        self.patients = []
        for _ in range(3):
            p = dicomgen.Patient(self.rng, f"S{index}")
            soak.ledger.patients.append(p)
            self.patients.append(p)

    def new_file(self, study: dicomgen.Study, size: str, sop_uid: str | None = None, comment: str = "") -> str:
        blob, uid = dicomgen.make_instance(self.rng, study, size, sop_uid, comment)
        self.counter += 1
        path = os.path.join(self.folder, f"{self.counter:06d}.dcm")
        with open(path, "wb") as f:
            f.write(blob)
        self.files[path] = {"sop": uid, "sha": dicomgen.data_set_sha256(blob), "patient": study.patient.id,
                            "size": len(blob), "study": study.uid}
        with self.soak.ledger.lock:
            self.soak.ledger.uids.update((uid, study.uid, study.series_uid))
        return path

    def batch(self) -> list[str]:
        r = self.rng.random()
        if self.retry and r < 0.5:
            out, self.retry = self.retry[:8], self.retry[8:]
            return out
        if self.mine_acked and r < 0.62:      # the same bytes again (a device's re-send)
            return [self.rng.choice(self.mine_acked)]
        if self.mine_acked and r < 0.70:      # other bytes under a SOP Instance UID already acknowledged
            old = self.files[self.rng.choice(self.mine_acked)]
            study = next(s for p in self.patients for s in p.studies if s.uid == old["study"])
            return [self.new_file(study, "small", old["sop"], comment=f"corrected {self.counter}")]
        patient = self.rng.choice(self.patients)
        if not patient.studies or self.rng.random() < 0.3:
            patient.studies.append(dicomgen.Study(patient))
        study = self.rng.choice(patient.studies)
        size = self.rng.choices(("small", "medium", "large"), (0.82, 0.14, self.soak.large_share))[0]
        count = {"small": self.rng.randint(2, 8), "medium": self.rng.randint(1, 3), "large": 1}[size]
        return [self.new_file(study, size) for _ in range(count)]

    def run(self) -> None:
        try:
            while not self.soak.stop_sending.is_set():
                files = self.batch()
                # a re-routed device: the same or other bytes of an instance one gateway has go to the other one too
                rerouted = self.others and self.mine_acked and self.rng.random() < 0.1
                self.send(files, self.rng.choice(self.others) if rerouted else self.home)
        except BaseException as e:   # the main thread reports it
            self.error = e

    def send(self, files: list[str], gateway: Gateway) -> None:
        result = subprocess.run(
            ["storescu", "-v", "-aec", AE, "-aet", f"SOAK{self.index}", "-nh", "-to", "20", "-td", "60", "-ta", "20",
             "127.0.0.1", str(gateway.port), *files],
            capture_output=True, text=True, env=dict(os.environ, TCP_NODELAY="1"), stdin=subprocess.DEVNULL)
        current, answered = None, set()
        ledger = self.soak.ledger
        for line in (result.stdout + result.stderr).splitlines():
            if m := SENDING.match(line):
                current = m.group(1)
            elif STORE_REQ.match(line):
                with ledger.lock:
                    ledger.sent += 1
            elif (m := RESPONSE.match(line)) and current:
                answered.add(current)
                facts = self.files[current]
                if m.group(1) == "Success":
                    with ledger.lock:
                        ledger.acked_count += 1
                        ledger.acked.setdefault((facts["sop"], facts["sha"]), facts)
                        ledger.acked_by.setdefault((facts["sop"], facts["sha"]), set()).add(gateway.name)
                    if current not in self.mine_acked:
                        self.mine_acked.append(current)
                else:
                    with ledger.lock:
                        ledger.refused += 1
        # what got no answer (the gateway died, refused the association, or the disk was full) is sent again later
        for path in files:
            if path not in answered and path not in self.mine_acked and len(self.retry) < 200:
                self.retry.append(path)
        if result.returncode != 0 and not answered:
            time.sleep(0.2)   # the gateway is down: do not spin


class Soak:
    def __init__(self, options):
        self.seed = options.seed
        self.minutes = options.minutes
        self.min_kills = options.min_kills
        self.exe = options.gateway
        self.s3rver = options.s3rver
        self.large_share = 0.04
        self.tmp = tempfile.mkdtemp(prefix="imaging-edge-soak.")
        self.keep = options.keep
        self.ledger = Ledger()
        self.stop_sending = threading.Event()
        self.stop_chaos = threading.Event()
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.faults = 0
        self.lost = self.corrupt = self.leaks = 0   # set by the check; 0 if it never got there (then it failed)
        self.tmpfs = None
        self.rng = random.Random(self.seed)
        self.serial = options.serial
        self.backup = options.backup
        self.player: SerialPlayer | None = None
        self.weather = threading.Lock()    # the proxy's mode: the weather schedule, or the primary away for a while
        self.primary_away = False
        self.away_spells = 0

    # ------------------------------------------------------------------ set-up
    def setup(self) -> None:
        data_root = os.path.join(self.tmp, "disk")
        os.makedirs(data_root)
        if os.getuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.tmpfs_mb()}m,mode=0700",
                                                "tmpfs", data_root], capture_output=True).returncode == 0:
            self.tmpfs = data_root
        else:
            self.notes.append("no tmpfs (not root or mount refused): the disk-full phase is skipped")
        self.s3dir = os.path.join(self.tmp, "s3")
        self.s3port, self.s3proc = self.start_s3rver(self.s3dir, BUCKET, "s3rver.log")
        # the backup store: a second s3rver, reached directly; it takes over while the primary (behind the proxy) is away
        self.s3bdir = os.path.join(self.tmp, "s3-backup")
        self.s3bport, self.s3bproc = self.start_s3rver(self.s3bdir, BACKUP_BUCKET, "s3rver-backup.log")
        self.proxy = FaultProxy(self.s3port, self.seed, stall_seconds=15)
        self.mqtt = Mosquitto(os.path.join(self.tmp, "mosquitto"))
        self.mqtt.start()
        self.recorder = Recorder(self.mqtt.port, os.path.join(self.tmp, "mqtt.txt"))
        keys = os.path.join(self.tmp, "keys")
        os.makedirs(keys)
        for name in ("access-key", "secret-key"):
            with open(os.path.join(keys, name), "w") as f:
                f.write("S3RVER")

        def endpoint(port: int, bucket: str) -> dict:
            return {"ServiceUrl": f"http://127.0.0.1:{port}", "Bucket": bucket, "Region": "us-east-1", "PathStyle": True,
                    "AccessKeyFile": f"{keys}/access-key", "SecretKeyFile": f"{keys}/secret-key"}
        self.gateways: list[Gateway] = []
        for name in GATEWAYS:
            conf_dir = os.path.join(self.tmp, f"conf-{name}")   # a folder of its own: the config watcher watches its folder
            os.makedirs(conf_dir)
            port = free_port()
            data = os.path.join(data_root, f"data-{name}")   # both on the tmpfs: the disk-full spells hit both
            config = {
                "Gateway": {"DataDir": data, "SiteId": SITE, "GatewayId": name},
                "Dicom": {"Port": port, "BindAddress": "127.0.0.1", "AeTitle": AE},
                "Queue": {"StableStudySeconds": 5},
                "Upload": {
                    "Destination": "s3", "S3": endpoint(self.proxy.port, BUCKET),
                    **({"BackupS3": endpoint(self.s3bport, BACKUP_BUCKET), "Mode": "Failover"} if self.backup else {}),
                    "Concurrency": 4, "MultipartThresholdMegabytes": 5, "PartSizeMegabytes": 5,
                    "AttemptTimeoutSeconds": 8, "MaxRetryAttempts": 2, "CircuitBreakSeconds": 3,
                },
                "Mqtt": {"Host": "127.0.0.1", "Port": self.mqtt.port, "HeartbeatSeconds": 5},
                "Retention": {"ReserveMegabytes": RESERVE_MB, "KeepUploadedDays": 0, "HighWaterPercent": 90,
                              "SweepIntervalSeconds": 5},
                "Logging": {"LogLevel": {"Default": "Information"}},
            }
            if self.serial and not self.gateways:   # the laboratory instrument is cabled to the first gateway
                self.serial_folder = os.path.join(self.tmp, "serial")
                os.makedirs(self.serial_folder)
                config["Serial"] = {"ProfilesDirectory": os.path.join(REPO, "hardware-profiles"), "Devices": [
                    {"Name": SERIAL_DEVICE, "Port": os.path.join(self.serial_folder, "ttyLAB0"), "Profile": "astm-e1394",
                     "Priority": "High"}]}
            path = os.path.join(conf_dir, "edge.json")
            with open(path, "w") as f:
                json.dump(config, f, indent=2)
            self.gateways.append(Gateway(name, self.exe, path, port, data, os.path.join(self.tmp, f"gateway-{name}.log")))
        self.gateway = self.gateways[0]   # the canary's and the serial device's gateway
        for gateway in self.gateways:
            gateway.start()

    def start_s3rver(self, folder: str, bucket: str, log_name: str) -> tuple[int, subprocess.Popen]:
        os.makedirs(folder)
        port = free_port()
        out = open(os.path.join(self.tmp, log_name), "ab")
        proc = subprocess.Popen(["node", self.s3rver, "--address", "127.0.0.1", "--port", str(port),
                                 "--directory", folder, "--configure-bucket", bucket, "--silent"],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        out.close()
        wait_until(lambda: port_open(port), 30, "s3rver")
        return port, proc

    def tmpfs_mb(self) -> int:
        return 640

    # ------------------------------------------------------------------ chaos
    def killer(self, gateway: Gateway, rng: random.Random, early_share: float, life: tuple[float, float]) -> None:
        """SIGKILL the gateway at random points and restart it at once. Some lives are short (killed 0.3-2.5 s
        after the launch: in start-up recovery, or just after the port opened), the others last `life` seconds
        after the port opened (uploads and retention get going). One killer a gateway, each on its own clock."""
        delay = rng.uniform(*life)
        while not self.stop_chaos.wait(delay):
            # no kill while the primary is away: a restarted gateway's circuit is closed again, and with a kill every
            # few seconds it would never collect the failures that open it, so the backup would never take over
            while self.primary_away and not self.stop_chaos.wait(0.2):
                pass
            with gateway.lock:
                gateway.kill()
                if rng.random() < early_share:
                    gateway.launch()
                    delay = rng.uniform(0.3, 2.5)
                else:
                    gateway.start()
                    delay = rng.uniform(*life)

    @property
    def kills(self) -> int:
        return sum(g.kills for g in self.gateways)

    def proxy_schedule(self) -> None:
        """The store's weather: calm, flaky (a fraction of requests broken), 503 storms, the store away a while."""
        # mostly weather the uploads get through (so that they run while the kills happen), now and then a bad spell
        modes = [("pass", 0.0, 4), ("flaky", 0.1, 6), ("flaky", 0.25, 4), ("storm", 0.0, 2), ("down", 0.0, 3)]
        weights = [4, 3, 1, 1, 1]
        while not self.stop_chaos.is_set():
            mode, fraction, seconds = self.rng.choices(modes, weights)[0]
            with self.weather:
                if not self.primary_away:
                    self.proxy.set_mode(mode, fraction)
            if self.stop_chaos.wait(self.rng.uniform(0.5, 1.5) * seconds):
                break
        with self.weather:
            self.proxy.set_mode("pass")

    def primary_goes_away(self, seconds: float) -> None:
        """The primary store away for a while (every connection to it reset): longer than the circuit break
        (3 s), so that the gateways' circuits open and the backup takes over (the killers pause meanwhile); then the
        weather resumes."""
        with self.weather:
            self.primary_away = True
            self.proxy.set_mode("down")
        self.away_spells += 1
        log(f"primary store away for {seconds:.0f} s")
        self.stop_chaos.wait(seconds)
        with self.weather:
            self.primary_away = False
            self.proxy.set_mode("pass")
        log("primary store back")

    def broker_schedule(self) -> None:
        while not self.stop_chaos.wait(self.rng.uniform(15, 30)):
            self.mqtt.restart(self.rng.uniform(1, 4))
            self.faults += 1

    def fill_disk(self) -> None:
        """Fill the data tmpfs until less than the reserve is free, hold it a while, free it again."""
        if not self.tmpfs:
            return
        st = os.statvfs(self.tmpfs)
        free = st.f_bavail * st.f_frsize
        fill = max(0, free - RESERVE_MB * 1024 * 1024 // 2)
        filler = os.path.join(self.tmpfs, "filler")
        with open(filler, "wb") as f:
            try:
                os.posix_fallocate(f.fileno(), 0, fill)
            except OSError:
                pass
        self.faults += 1
        log(f"disk filled: {fill >> 20} MiB written, {RESERVE_MB // 2} MiB left free (reserve {RESERVE_MB} MiB)")
        self.stop_chaos.wait(8)
        os.unlink(filler)
        log("disk freed")

    # ------------------------------------------------------------------ the canary erasure
    def send_canary(self) -> dicomgen.Patient:
        rng = random.Random(self.seed + 7)
        patient = dicomgen.Patient(rng, "ERASE")
        self.ledger.patients.append(patient)
        study = dicomgen.Study(patient)
        patient.studies.append(study)
        folder = os.path.join(self.tmp, "canary")
        os.makedirs(folder)
        paths = []
        self.canary_sop_uids = []
        for i, size in enumerate(["small"] * 6 + ["medium", "large"]):
            blob, uid = dicomgen.make_instance(rng, study, size)
            path = os.path.join(folder, f"{i}.dcm")
            with open(path, "wb") as f:
                f.write(blob)
            paths.append(path)
            self.canary_sop_uids.append(uid)
            self.ledger.uids.update((uid, study.uid, study.series_uid))
        self.canary = patient
        # sent while the chaos goes on; re-sent until every one is acknowledged
        left = list(paths)
        while left:
            result = subprocess.run(["storescu", "-v", "-aec", AE, "-aet", "CANARY", "-nh", "-to", "20", "-td", "60",
                                     "127.0.0.1", str(self.gateway.port), *left], capture_output=True, text=True,
                                    env=dict(os.environ, TCP_NODELAY="1"), stdin=subprocess.DEVNULL)
            current = None
            for line in (result.stdout + result.stderr).splitlines():
                if m := SENDING.match(line):
                    current = m.group(1)
                elif STORE_REQ.match(line):
                    with self.ledger.lock:
                        self.ledger.sent += 1
                elif (m := RESPONSE.match(line)) and current:
                    with self.ledger.lock:
                        if m.group(1) == "Success":
                            self.ledger.acked_count += 1
                        else:
                            self.ledger.refused += 1
                    if m.group(1) == "Success" and current in left:
                        left.remove(current)
            if left:
                time.sleep(0.3)
        return patient

    def erase_canary(self) -> None:
        """erase-patient through the control socket (as the local operator), with the gateway up; again until done."""
        deadline = time.monotonic() + 120
        attempt = 0
        while True:
            attempt += 1
            with self.gateway.lock:   # no kill in the middle of the command: a half-done erasure is re-run anyway
                # the control socket opens a moment after the DICOM port (a command given in between finds no gateway)
                wait_until(lambda: port_open(self.gateway.port) and control_open(self.gateway.data), 120,
                           "the gateway's control socket (for the erasure)")
                r = self.gateway.cli("control", "erase-patient", f"patientId={self.canary.id}", "cloud=true",
                                     f"requestId=soak-canary-{attempt}")
            answer = r.stdout.strip()
            ok = r.returncode == 0 and '"complete": true' in answer.replace('":true', '": true')
            log(f"erase-patient of the canary: exit {r.returncode}{' (complete)' if ok else ''}")
            if ok:
                self.erase_answer = answer
                return
            if time.monotonic() > deadline:
                self.failures.append(f"erase-patient of the canary did not complete: exit {r.returncode}: {answer[-400:]} {r.stderr[-400:]}")
                return
            time.sleep(2)

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        started = time.monotonic()
        self.setup()
        chaos_seconds = self.minutes * 60
        log(f"chaos for {chaos_seconds:.0f} s in {self.tmp}")
        senders = [Sender(i, self) for i in range(4)]
        for s in senders:
            s.start()
        kills = (0.6, (1.5, 5.0)) if self.minutes <= 5 else (0.4, (2.0, 8.0))
        threads = [threading.Thread(target=self.killer, args=(g, random.Random(self.seed * 10 + i), *kills), daemon=True)
                   for i, g in enumerate(self.gateways)]
        threads += [threading.Thread(target=self.proxy_schedule, daemon=True),
                    threading.Thread(target=self.broker_schedule, daemon=True)]
        for t in threads:
            t.start()
        if self.serial:
            serial_patient = dicomgen.Patient(random.Random(self.seed + 11), "SER")
            self.ledger.patients.append(serial_patient)
            self.player = SerialPlayer(self.serial_folder, os.path.join(REPO, "hardware-profiles", "captures",
                                                                        "astm-e1394", "results.astm"),
                                       serial_patient, self.seed + 13, self.stop_sending)
            self.player.start()
        t0 = time.monotonic()

        def canary() -> None:
            self.send_canary()
            log(f"canary patient acknowledged ({time.monotonic() - t0:.0f} s)")
        canary_thread = threading.Thread(target=canary, daemon=True)
        canary_thread.start()
        disk_at = [0.35, 0.8] if self.minutes <= 5 else [x / 10 for x in range(1, 10, 2)]
        away_at = [] if not self.backup else [0.2, 0.65] if self.minutes <= 5 else [x / 10 for x in range(2, 10, 2)]
        erase_at = 0.5
        events = sorted([(f, "disk") for f in disk_at] + [(f, "away") for f in away_at] + [(erase_at, "erase")])
        for fraction, what in events:
            wait = t0 + fraction * chaos_seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if what == "disk":
                self.fill_disk()
            elif what == "away":
                self.primary_goes_away(self.rng.uniform(12, 20))
            else:
                canary_thread.join()   # every canary instance acknowledged before the erasure
                self.erase_canary()
        left = t0 + chaos_seconds - time.monotonic()
        if left > 0:
            time.sleep(left)
        overtime = time.monotonic() + 90   # a slow machine: the chaos goes on until the kills asked for are done
        while self.kills < self.min_kills and time.monotonic() < overtime:
            time.sleep(0.5)
        if self.kills < self.min_kills:
            self.failures.append(f"only {self.kills} kills, {self.min_kills} asked for")
        log(f"chaos over: senders stop, faults stop ({self.proxy.requests} store requests so far, {self.proxy.faults} broken)")
        self.stop_sending.set()
        for s in senders:
            s.join(180)
        if self.player:
            self.player.join(60)
            if self.player.error:
                self.failures.append(f"the serial player failed: {self.player.error!r}")
        self.stop_chaos.set()
        for t in threads:
            t.join(120)
        for s in senders:
            if s.error:
                self.failures.append(f"{s.name} failed: {s.error!r}")
        self.faults += self.proxy.faults
        with open(os.path.join(self.tmp, "proxy-heads.txt"), "wb") as f:
            f.write(b"\n".join(self.proxy.heads))
        self.drain()
        try:
            self.check()
        except Exception:   # a checker bug must not cost an hour's run its figures: it fails the run and says why
            self.failures.append(f"the check itself failed:\n{traceback.format_exc()}")
        line = (f"soak: sent {self.ledger.sent}, acknowledged {self.ledger.acked_count}, refused {self.ledger.refused}, "
                f"kills {self.kills}, faults {self.faults}, lost {self.lost}, corrupt {self.corrupt}, leaks {self.leaks}")
        for note in self.notes:
            log(f"note: {note}")
        for failure in self.failures:
            log(f"FAILED: {failure}")
        log(f"duration {time.monotonic() - started:.0f} s; proxy faults {self.proxy.counts} of {self.proxy.requests} requests; "
            f"mosquitto restarts {self.mqtt.restarts}; primary away {self.away_spells} times; gateway starts "
            f"{', '.join(f'{g.name} {g.starts} ({g.kills} kills)' for g in self.gateways)}"
            + (f"; serial messages sent {self.player.sent}, acknowledged {self.player.acked}, cables {self.player.plugs}"
               if self.player else ""))
        print(line, flush=True)
        return 1 if self.failures or self.lost or self.corrupt or self.leaks else 0

    def drain(self) -> None:
        """Every postponed upload due now (as after an operator's `queue retry`), then wait until the queues are empty."""
        for gateway in self.gateways:
            with gateway.lock:
                gateway.stop()
                db = sqlite3.connect(os.path.join(gateway.data, "queue.db"), timeout=30)
                with db:
                    db.execute("UPDATE instances SET next_attempt_at = 0, attempts = 0 WHERE state = 'pending'")
                    failed = db.execute("SELECT last_error, count(*) FROM instances WHERE state = 'failed' "
                                        "GROUP BY last_error").fetchall()
                db.close()
                if failed:
                    # failed for good (a 400 from the store: the proxy flipped a byte of a request's XML body): the local
                    # copy stays and the status says so; the operator's retry brings them back, as it would on a box
                    r = gateway.cli("queue", "retry", "--all-failed")
                    self.notes.append(f"{gateway.name}: failed instances after the chaos, retried with "
                                      f"`queue retry --all-failed` (exit {r.returncode}): {failed}")
                gateway.start()
        log("draining")

        def drained(gateway: Gateway) -> bool:
            db = sqlite3.connect(f"file:{os.path.join(gateway.data, 'queue.db')}?mode=ro", uri=True, timeout=10)
            try:
                busy = db.execute("SELECT count(*) FROM instances WHERE state NOT IN ('uploaded', 'evicted', 'failed')").fetchone()[0]
                outbox = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
                # every study quiet, its last manifest generated and uploaded
                studies = db.execute("SELECT count(*) FROM studies WHERE state != 'stable' OR manifest_version = 0 "
                                     "OR manifest_uploaded_version < manifest_version").fetchone()[0]
                self.drain_state = (gateway.name, busy, outbox, studies)
                return busy == 0 and outbox == 0 and studies == 0
            finally:
                db.close()
        try:
            wait_until(lambda: all(drained(g) for g in self.gateways), max(150, 6 * self.minutes), "the queues to drain", every=0.5)
        except RuntimeError as e:
            self.failures.append(f"{e}: gateway, instances busy, outbox, studies = {getattr(self, 'drain_state', None)}")
        for gateway in self.gateways:
            rc = gateway.stop()
            if rc != 0:
                self.failures.append(f"{gateway.name}'s clean stop exited with {rc}")
            if gateway.exited_alone:
                self.failures.append(f"{gateway.name} stopped by itself {len(gateway.exited_alone)} times "
                                     f"(exit codes {gateway.exited_alone}; see the log: grep -n 'crit:\\|BackgroundService failed')")
            db = sqlite3.connect(f"file:{os.path.join(gateway.data, 'queue.db')}?mode=ro", uri=True, timeout=10)
            try:
                where = db.execute("SELECT destination, count(*) FROM instances WHERE destination IS NOT NULL "
                                   "GROUP BY destination").fetchall()
            finally:
                db.close()
            log(f"{gateway.name}: uploaded instances by destination (its rows): {dict(where)}")
        time.sleep(1.5)   # the recorder gets the last QoS 1 messages
        self.recorder.stop()

    # ------------------------------------------------------------------ the independent check
    def check(self) -> None:
        ledger = self.ledger
        # 1. both buckets, from the s3rver folders: every object's bytes, its key's hash, its data set. An instance
        # counts as present if it is byte-identical in either bucket (the backup holds what came while the primary was away)
        objects_by_data_set: dict[str, list[str]] = {}
        self.corrupt = 0
        buckets = {BUCKET: os.path.join(self.s3dir, BUCKET), BACKUP_BUCKET: os.path.join(self.s3bdir, BACKUP_BUCKET)}
        small_objects: list[bytes] = []   # device objects are small: where the serial messages are looked for
        dcm: dict[str, int] = {}
        others = 0
        for bucket, bucket_root in buckets.items():
            # s3rver writes a PUT's body straight to the object file and its metadata file after it: an aborted PUT (a
            # kill, a cut) leaves an object file without metadata, which s3rver never serves (HEAD and GET answer 404)
            # and a real S3 never shows. Only what the store serves is in the bucket.
            all_files = glob.glob(os.path.join(bucket_root, "**", "*._S3rver_object"), recursive=True)
            object_files = [p for p in all_files if os.path.exists(p[:-len("object")] + "metadata.json")]
            if len(all_files) > len(object_files):
                self.notes.append(f"{bucket}: {len(all_files) - len(object_files)} s3rver leftovers of aborted PUTs "
                                  f"(object file, no metadata: not served) left out")
            dcm[bucket] = 0
            for path in object_files:
                key = os.path.relpath(path, bucket_root)[:-len("._S3rver_object")]
                if not key.endswith(".dcm"):
                    others += 1
                    continue
                with open(path, "rb") as f:
                    blob = f.read()
                dcm[bucket] += 1
                claimed = os.path.basename(key).split(".")[0]
                if hashlib.sha256(blob).hexdigest() != claimed:
                    self.corrupt += 1
                    self.failures.append(f"object {bucket}/{key}: its bytes do not have the SHA-256 its key names")
                    continue
                if len(blob) < 256 * 1024:
                    small_objects.append(blob)
                try:
                    objects_by_data_set.setdefault(dicomgen.data_set_sha256(blob), []).append(key)
                    if dicomgen.transfer_syntax(blob) != "1.2.840.10008.1.2.1":
                        self.failures.append(f"object {bucket}/{key}: transfer syntax {dicomgen.transfer_syntax(blob)}")
                except ValueError:
                    self.corrupt += 1
                    self.failures.append(f"object {bucket}/{key}: not a Part 10 file")
        if self.away_spells and not dcm[BACKUP_BUCKET]:
            self.failures.append(f"the primary was away {self.away_spells} times and the backup never took over (no object in it)")
        # 2. every acknowledged instance (not of the erased patient) is there, byte-identical data set, under the key
        # prefix of each gateway that acknowledged it: one gateway's object never stands in for (or over) the other's
        self.lost = 0
        erased = self.canary.id
        for (sop, sha), facts in ledger.acked.items():
            if facts["patient"] == erased:
                continue
            for gateway in sorted(ledger.acked_by[(sop, sha)]):
                if not any(k.startswith(f"{SITE}/{gateway}/") for k in objects_by_data_set.get(sha, ())):
                    self.lost += 1
                    if self.lost <= 10:
                        self.failures.append(f"instance acknowledged by {gateway} missing from both buckets under its "
                                             f"prefix: data set {sha[:16]} ({facts['size']} bytes)")
        self.check_manifests(buckets, objects_by_data_set)
        kept = [k for k, f in ledger.acked.items() if f["patient"] != erased]
        both = sum(1 for k in kept if len(ledger.acked_by[k]) > 1)
        versions = len(kept) - len({sop for sop, _ in kept})
        log(f"buckets: {dcm[BUCKET]} instance objects in the primary, {dcm[BACKUP_BUCKET]} in the backup, {others} other "
            f"objects; {len(ledger.acked)} distinct acknowledged instance versions ({versions} second versions of a SOP "
            f"Instance UID, {both} acknowledged by both gateways)")
        # 3. every message the serial instrument saw acknowledged is in an object (the Raw Data keeps the frames as sent)
        if self.player:
            missing = sum(1 for m in self.player.acked_frames if not any(m in blob for blob in small_objects))
            log(f"serial: {self.player.acked} messages acknowledged, {missing} not found in the buckets")
            if missing:
                self.lost += missing
                self.failures.append(f"{missing} acknowledged serial messages not in either bucket")
        # 4. no orphan spool files after the clean stop
        for gateway in self.gateways:
            spool = [p for p in glob.glob(os.path.join(gateway.data, "spool", "**"), recursive=True) if os.path.isfile(p)]
            if spool:
                self.failures.append(f"{gateway.name}: {len(spool)} files left in spool/ after a clean stop")
        # 5. the canary patient nowhere: buckets (objects and metadata), the data folders' bytes (queue.db, its WAL)
        self.leaks = 0
        # the birth date as a DICOM element (8 digits alone could be any number in a file)
        tokens = [self.canary.name.encode(), self.canary.id.encode(),
                  b"\x10\x00\x30\x00DA\x08\x00" + self.canary.birth_date.encode()] + \
                 [u.encode() for u in self.canary_uids()]
        for root in (self.s3dir, self.s3bdir, *(g.data for g in self.gateways)):
            for path in glob.glob(os.path.join(root, "**"), recursive=True):
                if not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    blob = f.read()
                hits = [t for t in tokens if t in blob]
                if hits:
                    self.leaks += 1
                    self.failures.append(f"erased canary found in {os.path.relpath(path, self.tmp)} ({len(hits)} attributes/UIDs)")
        # 6. MQTT: nothing carries a UID or a patient attribute of any canary; every event once by seq; studies announced
        self.check_mqtt()

    def check_manifests(self, buckets: dict[str, str], objects_by_data_set: dict[str, list[str]]) -> None:
        """Each study folder's last manifest (in either bucket) lists every acknowledged instance version of the study
        under the key where it is, and every object it lists is in one of the buckets with the SHA-256 it names."""
        latest: dict[str, tuple[int, dict]] = {}
        for bucket_root in buckets.values():
            for path in glob.glob(os.path.join(bucket_root, "**", "manifest*.json._S3rver_object"), recursive=True):
                if not os.path.exists(path[:-len("object")] + "metadata.json"):
                    continue   # an s3rver leftover of an aborted PUT (see check): not served, not in the bucket
                folder = os.path.relpath(os.path.dirname(path), bucket_root)
                # a manifest whose key held other bytes went under `.sha256-{16 hex}` before its extension
                version = int(re.search(r"\.v(\d+)(?:\.sha256-[0-9a-f]+)?\.json", path).group(1))
                if version > latest.get(folder, (0, None))[0]:
                    with open(path, "rb") as f:
                        latest[folder] = (version, json.load(f))
        listed: dict[str, set[tuple[str, str]]] = {}
        bad = 0
        for folder, (_, manifest) in latest.items():
            entries = listed.setdefault(folder, set())
            for series in manifest.get("series", []):
                for entry in series.get("instances", []):
                    entries.add((entry["sopInstanceUid"], entry.get("key") or ""))
                    if entry.get("state") != "uploaded":
                        continue
                    paths = [os.path.join(root, entry["key"] + "._S3rver_object") for root in buckets.values()]
                    if not any(os.path.exists(p) and hashlib.sha256(open(p, "rb").read()).hexdigest() == entry["sha256"]
                               for p in paths):
                        bad += 1
        missing = 0
        for (sop, sha), facts in self.ledger.acked.items():
            if facts["patient"] == self.canary.id:
                continue
            for gateway in self.ledger.acked_by[(sop, sha)]:
                keys = [k for k in objects_by_data_set.get(sha, []) if k.startswith(f"{SITE}/{gateway}/")]
                if keys and not any((sop, key) in listed.get(os.path.dirname(key), ()) for key in keys):
                    missing += 1
        log(f"manifests: {len(latest)} study folders, {missing} acknowledged instance versions not in their study's last "
            f"manifest, {bad} listed objects missing or other bytes")
        if missing or bad:
            self.failures.append(f"manifests incomplete: {missing} instance versions not listed, {bad} listed objects wrong")

    def canary_uids(self) -> list[str]:
        return [u for s in self.canary.studies for u in (s.uid, s.series_uid)] + list(self.canary_sop_uids)

    def check_mqtt(self) -> None:
        path = os.path.join(self.tmp, "mqtt.txt")
        with open(path, "rb") as f:
            raw = f.read()
        secrets = {t.encode() for p in self.ledger.patients for t in (p.name, p.id)} | {u.encode() for u in self.ledger.uids}
        dates = {b'"' + p.birth_date.encode() for p in self.ledger.patients}   # a birth date as a string, not a number
        # every UID and patient attribute is a run of letters, digits, '^', '-' and dots: look them up token by token,
        # and every dotted part-run of a token too (a UID with something glued on)
        leaked = set()
        for token in set(re.findall(rb"[0-9A-Za-z^\-]+(?:\.[0-9A-Za-z^\-]+)*", raw)):
            parts = token.split(b".")
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    if b".".join(parts[i:j]) in secrets:
                        leaked.add(b".".join(parts[i:j]))
        leaked |= {d for d in dates if d in raw}
        if leaked:
            self.leaks += len(leaked)
            self.failures.append(f"{len(leaked)} UIDs or patient attributes of canaries in MQTT messages")
        # per gateway: its seq numbers, the studies it announced (the event names the study by its pseudonym, so
        # they are counted, not matched)
        seqs: dict[str, dict] = {g.name: {} for g in self.gateways}
        received: dict[str, set] = {g.name: set() for g in self.gateways}
        messages = 0
        prefixes = {f"imaging-edge/v1/{SITE}/{g.name}/events ": g.name for g in self.gateways}
        for line in raw.decode("utf-8", "replace").splitlines():
            messages += 1
            prefix = next((p for p in prefixes if line.startswith(p)), None)
            if prefix is None:
                continue
            gateway = prefixes[prefix]
            try:
                event = json.loads(line[len(prefix):])
            except ValueError:
                # a torn packet's bytes read as a payload (a publish cut half-way): ops would see garbage
                self.failures.append(f"{gateway}: an event message is not JSON: {line[len(prefix):][:80]!r}")
                continue
            seq = event["seq"]
            if seq in seqs[gateway] and seqs[gateway][seq] != event:
                self.failures.append(f"{gateway}: event seq {seq} published twice with different contents")
            seqs[gateway][seq] = event
            if event["type"] == "study.received":
                received[gateway].add(event["data"]["study"])
        for g in self.gateways:
            acked_studies = {self.ledger.acked[k]["study"] for k, by in self.ledger.acked_by.items() if g.name in by}
            if g is self.gateway:
                acked_studies |= {s.uid for s in self.canary.studies}
            log(f"mqtt {g.name}: {len(seqs[g.name])} distinct events, {len(received[g.name])} studies announced, "
                f"{len(acked_studies)} studies with an acknowledged instance")
            if len(received[g.name]) < len(acked_studies):
                self.failures.append(f"{g.name}: study.received for {len(received[g.name])} studies, "
                                     f"{len(acked_studies)} had an acknowledged instance")
        log(f"mqtt: {messages} messages")

    def cleanup(self) -> None:
        gateways = getattr(self, "gateways", [])
        for stop in ([lambda g=g: g.proc and g.proc.poll() is None and g.kill() for g in gateways] +
                     [lambda: self.player and self.player.unplug(),
                      lambda: self.recorder.stop(), lambda: self.mqtt.stop(), lambda: self.proxy.close(),
                      lambda: (self.s3proc.terminate(), self.s3proc.wait(10)),
                      lambda: (self.s3bproc.terminate(), self.s3bproc.wait(10))]):
            try:
                stop()
            except Exception:
                pass
        if self.tmpfs:
            if self.keep:   # keep the data folder: copy it off the tmpfs
                for g in gateways:
                    shutil.copytree(g.data, os.path.join(self.tmp, f"data-copy-{g.name}"), dirs_exist_ok=True)
            subprocess.run(["umount", self.tmpfs], capture_output=True)
        if self.keep:
            print(f"soak: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.5, help="length of the chaos phase")
    parser.add_argument("--min-kills", type=int, default=50, help="the chaos goes on (up to 90 s more) until this many kills")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--s3rver", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, bucket, data)")
    parser.add_argument("--backup", action=argparse.BooleanOptionalAction, default=True,
                        help="a backup store that takes over while the primary is away (--no-backup: the primary only)")
    parser.add_argument("--serial", action=argparse.BooleanOptionalAction, default=True,
                        help="an ASTM instrument on a socat pty pair cabled to the first gateway (--no-serial: none)")
    options = parser.parse_args()
    # a timeout's SIGTERM still runs the clean-up (the peers stopped, the tmpfs unmounted)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    soak = Soak(options)
    log(f"seed {options.seed}")
    try:
        return soak.run()
    finally:
        soak.cleanup()


if __name__ == "__main__":
    sys.exit(main())
