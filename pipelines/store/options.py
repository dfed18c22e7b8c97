"""Plain settings for the stores and the spool: no boto3, no catalog, cheap to import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class S3Options:
    """How to talk to an S3-compatible service. The endpoint, credentials and region come
    from boto3's standard sources (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, config files)."""

    addressing_style: str = "auto"  # auto | path | virtual
    checksum: str = "SHA256"  # SHA256 | SHA1 | CRC32 | CRC32C | CRC64NVME | none
    verify: str = "auto"  # auto: server checksum, else ETag, else read-back | readback
    retention_mode: str = ""  # GOVERNANCE | COMPLIANCE: needs a bucket with Object Lock
    retention_days: int = 0
    concurrency: int = 10  # threads per multipart transfer
    multipart_mb: int = 8  # part size, and the size from which uploads are multipart

    def __post_init__(self) -> None:
        checks = [
            (self.addressing_style in ("auto", "path", "virtual"),
             "s3_addressing_style must be auto, path or virtual"),
            (self.checksum in ("SHA256", "SHA1", "CRC32", "CRC32C", "CRC64NVME", "none"),
             "s3_checksum must be SHA256, SHA1, CRC32, CRC32C, CRC64NVME or none"),
            (self.verify in ("auto", "readback"), "s3_verify must be auto or readback"),
            (self.retention_mode in ("", "GOVERNANCE", "COMPLIANCE"),
             "s3_retention_mode must be GOVERNANCE, COMPLIANCE or empty"),
            (not self.retention_mode or self.retention_days > 0,
             "s3_retention_days must be set (> 0) with s3_retention_mode"),
            (self.multipart_mb >= 5, "s3_multipart_mb must be at least 5 (S3's minimum part)"),
            (self.concurrency >= 1, "s3_concurrency must be at least 1"),
        ]
        problems = [message for ok, message in checks if not ok]
        if problems:
            raise ValueError("; ".join(problems))


@dataclass(frozen=True)
class SpoolSettings:
    """The local spool and the upload policy (see `pipelines.store.spool`)."""

    directory: Path
    attempts: int = 4  # tries per object before it is left in the spool
    backoff: float = 0.5  # seconds before the first retry; doubled each time, with jitter
    max_backoff: float = 8.0
    workers: int = 4  # objects uploaded at once
    trip_after: int = 3  # consecutive failed tries (any object): pause uploads
    cooldown: float = 30.0  # seconds uploads stay paused before the next try
