"""The upload benchmark's machinery on one small file (two parts): every contender uploads them all.

It measures nothing; ``python -m bench.upload`` does (see bench/README.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import upload


@pytest.mark.slow
@pytest.mark.server
def test_upload_bench_runs_every_contender(tmp_path: Path, seaweed: object) -> None:
    before = os.environ.get("AWS_ENDPOINT_URL")
    assert upload.main(["--files", "1", "--mb", "9", "--rounds", "1", "--quiet-wait", "0",
                        "--results", str(tmp_path)], server=seaweed) == 0
    (out,) = tmp_path.glob("upload-*.json")
    result = json.loads(out.read_text())
    assert set(result["mb_per_s"]) == set(upload.CONTENDERS)
    assert all(len(times) == 1 for times in result["seconds"].values())
    assert result["ratio_to_boto3"]["boto3"] == 1.0
    assert "AWS_ENDPOINT_URL" not in os.environ or os.environ["AWS_ENDPOINT_URL"] == before
