"""app.py as a process: starts fast, prints its URL, serves the protocol over real HTTP."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest
from conftest import Minio
from support import describe, http_put, png_bytes, sha256

APP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'app.py')


def read_line(process: subprocess.Popen, timeout: float) -> str:
    """The first stdout line, waiting at most `timeout` seconds."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ''
    return process.stdout.readline().decode().strip()


@pytest.fixture
def served(minio: Minio, bucket: str) -> Iterator[Tuple[str, float]]:
    env = {**os.environ, 'AWS_ACCESS_KEY_ID': minio.access_key, 'AWS_SECRET_ACCESS_KEY': minio.secret_key,
           'UPKIT_SECRET': 'app-test-secret-of-at-least-32-bytes!!'}  # fmt: skip
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, APP, '--port', '0', '--s3-endpoint', minio.endpoint, '--bucket', bucket, '--quiet',
         '--allowed-types', 'image/*,application/pdf'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        line = read_line(process, timeout=20)
        yield line, time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def call(url: str, body: Any, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    sent = {'Content-Type': 'application/json', **(headers or {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=sent, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b'null')


def test_app_prints_its_url_and_serves_the_protocol(served: Tuple[str, float]) -> None:
    line, seconds = served
    assert line.startswith('upkit flask backend listening on http://127.0.0.1:'), line
    assert seconds < 10
    base = line.rsplit(' ', 1)[1]
    assert base.endswith('/api/upload')

    data = png_bytes(5000)
    status, signed = call(f'{base}/presign', {'file': describe('cat.png', data, 'image/png')}, {'x-user': 'carol'})
    assert status == 200 and signed['key'].startswith('uploads/carol/')
    assert http_put(signed['url'], data, signed['headers']).status == 200
    status, done = call(f'{base}/complete', {'key': signed['key'], 'token': signed['token']},
                        {'Authorization': 'Bearer carol'})  # fmt: skip
    assert status == 200 and done['size'] == 5000

    assert call(f'{base}/presign', {'file': describe('cat.png', data, 'image/png')})[0] == 401
    assert call(f'{base}/presign', {'file': describe('cat.png', data, 'image/png')}, {'x-user': 'a b'})[0] == 401
    assert call(f'{base}/complete', {'key': signed['key'], 'token': signed['token']}, {'x-user': 'dave'})[0] == 403
    html = {'file': {'name': 'x', 'size': 1, 'type': 'text/html'}}
    assert call(f'{base}/presign', html, {'x-user': 'carol'})[0] == 415


def test_the_final_object_can_be_read_back(served: Tuple[str, float], minio: Minio, bucket: str, s3: Any) -> None:
    base = served[0].rsplit(' ', 1)[1]
    data = png_bytes(70_000)
    status, signed = call(f'{base}/presign', {'file': describe('cat.png', data, 'image/png')}, {'x-user': 'erin'})
    assert status == 200
    assert http_put(signed['url'], data, signed['headers']).status == 200
    assert call(f'{base}/complete', {'key': signed['key'], 'token': signed['token']}, {'x-user': 'erin'})[0] == 200
    assert sha256(s3.get_object(Bucket=bucket, Key=signed['key'])['Body'].read()) == sha256(data)
