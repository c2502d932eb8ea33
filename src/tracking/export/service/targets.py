"""Where exported objects go: an S3-compatible bucket or a local directory, by key.

`put` is atomic per object on both (S3 objects appear whole; local files are written to a temp
name and renamed), so a run that dies mid-upload leaves whole objects or none, and the next run
rewrites the same keys. Failed uploads are retried with back-off within the run. Error messages
are scrubbed of the credentials before anyone sees them.
"""

import logging
import os
import time
from pathlib import Path
from typing import Protocol


class Target(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def close(self) -> None: ...


class UploadFailed(RuntimeError):
    pass


class LocalTarget:
    def __init__(self, root: str) -> None:
        self._root = Path(root)

    def put(self, key: str, body: bytes, content_type: str) -> None:
        path = self._root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def close(self) -> None:
        pass


class S3Target:
    def __init__(self, *, endpoint_url: str, region: str, bucket: str, access_key: str, secret_key: str) -> None:
        import boto3  # only destinations of this kind pay for the import
        from botocore.config import Config

        # botocore's DEBUG lines carry the signed headers (the access key id): never at our log level.
        for name in ("botocore", "boto3", "s3transfer"):
            logging.getLogger(name).setLevel(logging.WARNING)

        self._bucket = bucket
        self._client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or "us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=10, read_timeout=60,
                          s3={"addressing_style": "path"}))

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def close(self) -> None:
        self._client.close()


class RetryingTarget:
    """`attempts` tries per object, sleeping 0.5 s, 1 s, 2 s… between them; the last error, scrubbed
    of `secrets`, is raised as UploadFailed."""

    def __init__(self, target: Target, *, attempts: int, secrets: tuple[str, ...], base_s: float = 0.5,
                 sleep=time.sleep) -> None:
        self._target, self._attempts, self._secrets = target, attempts, tuple(s for s in secrets if s)
        self._base_s, self._sleep = base_s, sleep
        self.on_retry = None  # called once per retried upload (a /metrics counter)

    def put(self, key: str, body: bytes, content_type: str) -> None:
        for attempt in range(self._attempts):
            try:
                self._target.put(key, body, content_type)
                return
            except Exception as exc:
                if attempt + 1 == self._attempts:
                    raise UploadFailed(scrub(f"{key}: {type(exc).__name__}: {exc}", self._secrets)) from None
                if self.on_retry is not None:
                    self.on_retry()
                self._sleep(self._base_s * 2 ** attempt)

    def close(self) -> None:
        self._target.close()


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
