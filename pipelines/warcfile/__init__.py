"""The WARC machinery behind `pipelines.warc` (writer, verifier, recovery). Imports no Scrapy."""

from pipelines.warcfile.model import (
    ClosedWarc,
    Exchange,
    GenericRecord,
    RecordLocation,
    RevisitTarget,
    WarcConfig,
)
from pipelines.warcfile.recover import QUARANTINE, Recovery, recover
from pipelines.warcfile.specs import IDENTICAL, NOT_MODIFIED
from pipelines.warcfile.verify import (
    Member,
    RecordCheck,
    Report,
    iter_members,
    verify_file,
    verify_record,
    verify_record_bytes,
    walk_members,
)
from pipelines.warcfile.writer import WarcWriter, warc_filename

__all__ = [
    "IDENTICAL",
    "NOT_MODIFIED",
    "QUARANTINE",
    "ClosedWarc",
    "Exchange",
    "GenericRecord",
    "Member",
    "RecordCheck",
    "RecordLocation",
    "Recovery",
    "Report",
    "RevisitTarget",
    "WarcConfig",
    "WarcWriter",
    "iter_members",
    "recover",
    "verify_file",
    "verify_record",
    "verify_record_bytes",
    "walk_members",
    "warc_filename",
]
