"""Helpers for the tests: protocol calls through Flask's test client, real PUTs to storage."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

SECRET = 'flask-backend-test-secret-at-least-32-bytes-long'
MiB = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Put:
    status: int
    etag: Optional[str]
    body: bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksum(data: bytes) -> str:
    """S3's x-amz-checksum-sha256: the base64 SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')


def png_bytes(size: int) -> bytes:
    return (b'\x89PNG\r\n\x1a\n' + os.urandom(size))[:size]


def pdf_bytes(size: int) -> bytes:
    return (b'%PDF-1.7\n' + os.urandom(size))[:size]


def describe(name: str, data: bytes, type_: str) -> Dict[str, Any]:
    return {'name': name, 'size': len(data), 'type': type_}


def http_put(url: str, data: bytes, headers: Optional[Mapping[str, str]] = None) -> Put:
    """A real PUT with exactly these headers (http.client adds Host and Content-Length only)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or '127.0.0.1', parts.port, timeout=30)
    try:
        connection.request('PUT', f'{parts.path}?{parts.query}', body=data, headers=dict(headers or {}))
        answer = connection.getresponse()
        return Put(answer.status, answer.getheader('ETag'), answer.read())
    finally:
        connection.close()


class Api:
    """Protocol calls to /api/upload through Flask's test client, and what storage holds."""

    def __init__(self, client: Any, s3: Any, bucket: str) -> None:
        self.client = client
        self.s3 = s3
        self.bucket = bucket

    def post(self, path: str, body: Any = None, *, user: Optional[str] = 'alice', raw: Optional[bytes] = None,
             content_type: Optional[str] = 'application/json', headers: Optional[Mapping[str, str]] = None,
             method: str = 'POST') -> Answer:  # fmt: skip
        sent: Dict[str, str] = dict(headers or {})
        if user is not None:
            sent['x-user'] = user
        if content_type is not None:
            sent['Content-Type'] = content_type
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b'')
        response = self.client.open(f'/api/upload/{path}', method=method, data=data, headers=sent)
        text = response.get_data()
        parsed = json.loads(text) if text else None
        return Answer(response.status_code, parsed, response.headers)

    def object(self, key: str) -> Optional[bytes]:
        """The bytes at `key`, or None when there is no object."""
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=key)['Body'].read()
        except ClientError as error:
            if error.response['ResponseMetadata']['HTTPStatusCode'] == 404:
                return None
            raise

    def head(self, key: str) -> Optional[Dict[str, Any]]:
        try:
            return self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response['ResponseMetadata']['HTTPStatusCode'] == 404:
                return None
            raise

    def presign_and_put(self, name: str, data: bytes, type_: str, user: str = 'alice') -> Dict[str, Any]:
        """presign, then the PUT the browser would make; the presign answer, checked."""
        signed = self.post('presign', {'file': describe(name, data, type_)}, user=user)
        assert signed.status == 200, signed.body
        put = http_put(signed.body['url'], data, signed.body['headers'])
        assert put.status == 200, put.body
        return signed.body

    def upload_parts(self, data: bytes, type_: str, part_size: int = 5 * MiB, user: str = 'alice',
                     checksums: bool = False) -> Dict[str, Any]:  # fmt: skip
        """multipart/create, sign-parts and the part PUTs; the upload with its `parts` for complete."""
        create = {'file': describe('big.bin', data, type_), 'partSize': part_size}
        if checksums:
            create['checksumAlgorithm'] = 'SHA256'
        created = self.post('multipart/create', create, user=user)
        assert created.status == 200, created.body
        upload = created.body
        size = upload['partSize']
        chunks = [data[start:start + size] for start in range(0, max(len(data), 1), size)]
        numbers = list(range(1, len(chunks) + 1))
        sign = {'uploadId': upload['uploadId'], 'key': upload['key'], 'token': upload['token'], 'partNumbers': numbers}
        if checksums:
            sign['checksums'] = {str(n): checksum(chunk) for n, chunk in zip(numbers, chunks)}
        signed = self.post('multipart/sign-parts', sign, user=user)
        assert signed.status == 200, signed.body
        urls = {part['partNumber']: part for part in signed.body['parts']}
        parts: List[Dict[str, Any]] = []
        for number, chunk in zip(numbers, chunks):
            put = http_put(urls[number]['url'], chunk, urls[number].get('headers'))
            assert put.status == 200, put.body
            part = {'partNumber': number, 'etag': put.etag, 'size': len(chunk)}
            if checksums:
                part['checksum'] = checksum(chunk)
            parts.append(part)
        return {**upload, 'parts': parts, 'file': describe('big.bin', data, type_)}


def session_of(upload: Mapping[str, Any]) -> Dict[str, Any]:
    """The `{uploadId, key, token}` of a multipart upload."""
    return {'uploadId': upload['uploadId'], 'key': upload['key'], 'token': upload['token']}
