"""Fixtures: a real MinIO on 127.0.0.1 (started here, stopped after), a bucket, and apps.

MinIO: `$UPKIT_MINIO_BIN`, else the newest `$UPKIT_CACHE/minio-*/minio` (default cache
`~/.cache/upkit`, where scripts/ensure-tools.sh builds it). No S3 call is mocked.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import boto3
import pytest
from botocore.config import Config
from flask import Flask

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import SECRET, Api  # noqa: E402
from upkit_backend import create_upload_blueprint  # noqa: E402

ACCESS_KEY = 'upkit-test'
SECRET_KEY = 'upkit-test-secret-key'
BUCKET = 'upkit-flask-tests'


@dataclass(frozen=True)
class Minio:
    endpoint: str
    access_key: str
    secret_key: str


def minio_binary() -> str:
    explicit = os.environ.get('UPKIT_MINIO_BIN')
    if explicit:
        return explicit
    cache = os.environ.get('UPKIT_CACHE') or os.path.expanduser('~/.cache/upkit')
    found = glob.glob(os.path.join(cache, 'minio-*', 'minio'))
    if not found:
        pytest.fail(f'No MinIO binary: set UPKIT_MINIO_BIN or build one into {cache} (scripts/ensure-tools.sh).')
    return max(found, key=os.path.getmtime)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _wait_until_live(endpoint: str, process: subprocess.Popen) -> bool:
    # Bounded: 200 tries, 50 ms apart.
    for _ in range(200):
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f'{endpoint}/minio/health/live', timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


@pytest.fixture(scope='session')
def minio() -> Iterator[Minio]:
    data_dir = tempfile.mkdtemp(prefix='upkit-flask-minio-')
    port, console_port = free_port(), free_port()
    log = tempfile.TemporaryFile()
    env = {**os.environ, 'MINIO_ROOT_USER': ACCESS_KEY, 'MINIO_ROOT_PASSWORD': SECRET_KEY, 'MINIO_BROWSER': 'off'}
    command = [minio_binary(), 'server', data_dir, '--address', f'127.0.0.1:{port}',
               '--console-address', f'127.0.0.1:{console_port}', '--quiet']  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    endpoint = f'http://127.0.0.1:{port}'
    try:
        if not _wait_until_live(endpoint, process):
            log.seek(0)
            pytest.fail(f'MinIO did not start: {log.read()[:500]!r}')
        yield Minio(endpoint, ACCESS_KEY, SECRET_KEY)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope='session')
def s3(minio: Minio) -> Any:
    config = Config(signature_version='s3v4', s3={'addressing_style': 'path'})
    return boto3.client('s3', endpoint_url=minio.endpoint, region_name='us-east-1', aws_access_key_id=minio.access_key,
                        aws_secret_access_key=minio.secret_key, config=config)  # fmt: skip


@pytest.fixture(scope='session')
def bucket(s3: Any) -> str:
    s3.create_bucket(Bucket=BUCKET)
    return BUCKET


def header_user(request: Any) -> Any:
    """Test sign-in: the `x-user` header names the user."""
    return request.headers.get('x-user') or None


@pytest.fixture
def make_api(s3: Any, bucket: str) -> Callable[..., Api]:
    """An app with the blueprint at /api/upload; options override the test defaults."""

    def make(**options: Any) -> Api:
        settings = {'allowed_types': ['image/*', 'application/pdf'], 'authorize': header_user, **options}
        authorize = settings.pop('authorize')
        app = Flask(__name__)
        blueprint = create_upload_blueprint(s3, bucket, SECRET, authorize, **settings)
        app.register_blueprint(blueprint, url_prefix='/api/upload')
        return Api(app.test_client(), s3, bucket)

    return make


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()
