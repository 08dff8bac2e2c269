"""Single uploads against MinIO: presign, a real PUT, complete; what lands where, and when not."""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import upkit_backend
from botocore.config import Config
from flask import Flask
from support import SECRET, Api, checksum, describe, http_put, png_bytes, sha256
from upkit_backend import HttpError, create_upload_blueprint

KEY = re.compile(r'uploads/alice/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.png')


def complete_body(signed: Dict[str, Any], data: bytes) -> Dict[str, Any]:
    return {'key': signed['key'], 'token': signed['token'], 'file': describe('cat.png', data, 'image/png')}


def test_single_upload_lands_the_verified_bytes_at_the_final_key(api: Api) -> None:
    data = png_bytes(48_213)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    assert KEY.fullmatch(signed['key'])
    assert signed['method'] == 'PUT'
    assert signed['headers'] == {'Content-Type': 'image/png', 'Content-Disposition': 'inline'}
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', signed['expiresAt'])
    assert urlsplit(signed['url']).path.endswith('/pending/' + signed['key'])
    signed_headers = parse_qs(urlsplit(signed['url']).query)['X-Amz-SignedHeaders'][0]
    assert signed_headers == 'content-disposition;content-length;content-type;host'
    assert api.object(signed['key']) is None  # nothing unchecked at the final key

    done = api.post('complete', complete_body(signed, data))
    assert done.status == 200, done.body
    assert done.body == {'key': signed['key'], 'size': len(data), 'contentType': 'image/png'}
    assert sha256(api.object(signed['key']) or b'') == sha256(data)
    final = api.head(signed['key'])
    assert final is not None and final['ContentType'] == 'image/png' and final['ContentDisposition'] == 'inline'
    assert api.head('pending/' + signed['key']) is None


def test_storage_refuses_a_put_that_changes_a_signed_header_or_the_size(api: Api) -> None:
    data = png_bytes(1000)
    signed = api.post('presign', {'file': describe('cat.png', data, 'image/png')}).body
    headers = signed['headers']
    assert http_put(signed['url'], data, {**headers, 'Content-Type': 'text/html'}).status in (400, 403)
    assert http_put(signed['url'], data, {**headers, 'Content-Disposition': 'attachment'}).status in (400, 403)
    assert http_put(signed['url'], data, {'Content-Type': 'image/png'}).status in (400, 403)
    assert http_put(signed['url'], data + b'!', headers).status in (400, 403)
    assert api.head('pending/' + signed['key']) is None


def test_content_that_is_not_the_declared_type_never_reaches_the_final_key(api: Api) -> None:
    fake = b'<html><script>alert(1)</script></html>'.ljust(600, b' ')
    signed = api.presign_and_put('cat.png', fake, 'image/png')
    refused = api.post('complete', complete_body(signed, fake))
    assert refused.status == 415 and refused.body['error']['code'] == 'content-mismatch'
    assert api.object(signed['key']) is None
    assert api.head('pending/' + signed['key']) is None  # removed

    # The refusal is final: a real PNG PUT to the same URL afterwards is never checked again.
    real = png_bytes(600)
    assert http_put(signed['url'], real, signed['headers']).status == 200
    again = api.post('complete', complete_body(signed, real))
    assert again.status == 415 and again.body['error']['code'] == 'content-mismatch'
    assert api.object(signed['key']) is None


def test_a_stored_size_other_than_the_declared_one_is_refused(api: Api) -> None:
    data = png_bytes(500)
    signed = api.post('presign', {'file': describe('cat.png', data, 'image/png')}).body
    # Written around the signed URL, as a store that does not enforce lengths would let it.
    api.s3.put_object(Bucket=api.bucket, Key='pending/' + signed['key'], Body=data + b'extra', ContentType='image/png')
    refused = api.post('complete', complete_body(signed, data))
    assert refused.status == 400 and refused.body['error']['code'] == 'size-mismatch'
    assert api.object(signed['key']) is None
    assert api.head('pending/' + signed['key']) is None


def test_a_second_put_after_complete_never_reaches_the_final_key(api: Api) -> None:
    first = png_bytes(2000)
    signed = api.presign_and_put('cat.png', first, 'image/png')
    assert api.post('complete', complete_body(signed, first)).status == 200
    second = png_bytes(2000)
    assert http_put(signed['url'], second, signed['headers']).status == 200  # the URL is still valid
    assert api.post('complete', complete_body(signed, second)).status == 200
    assert sha256(api.object(signed['key']) or b'') == sha256(first)


def test_repeated_and_concurrent_completes_get_the_first_answer(make_api: Callable[..., Api]) -> None:
    calls: List[str] = []

    def on_complete(upload: Any) -> Dict[str, Any]:
        calls.append(upload.key)
        time.sleep(0.3)  # long enough for the concurrent calls to arrive meanwhile
        return {'id': len(calls), 'key': upload.key, 'user': upload.user_id, 'name': upload.file_name}

    api = make_api(on_complete=on_complete)
    data = png_bytes(3000)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    answers: List[Any] = []
    threads = [threading.Thread(target=lambda: answers.append(api.post('complete', complete_body(signed, data))))
               for _ in range(3)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    answers.append(api.post('complete', complete_body(signed, data)))
    expected = {'id': 1, 'key': signed['key'], 'user': 'alice', 'name': 'cat.png'}
    assert [(a.status, a.body) for a in answers] == [(200, expected)] * 4
    assert calls == [signed['key']]


def test_complete_without_an_uploaded_object_answers_404(api: Api) -> None:
    data = png_bytes(100)
    signed = api.post('presign', {'file': describe('cat.png', data, 'image/png')}).body
    missing = api.post('complete', complete_body(signed, data))
    assert missing.status == 404 and missing.body['error']['code'] == 'not-found'


def test_tokens_of_another_user_forged_or_expired_are_refused(make_api: Callable[..., Api]) -> None:
    api = make_api()
    data = png_bytes(700)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    body = complete_body(signed, data)
    assert api.post('complete', body, user='bob').status == 403
    assert api.post('complete', {**body, 'token': signed['token'][:-2] + 'AA'}).status == 403
    assert api.post('complete', {**body, 'token': None}).status == 403
    other = api.presign_and_put('dog.png', png_bytes(700), 'image/png')
    assert api.post('complete', {**body, 'token': other['token']}).status == 403
    later = make_api(now=lambda: time.time() + 8 * 24 * 3600)
    assert later.post('complete', body).status == 403
    assert api.object(signed['key']) is None
    assert api.post('complete', body).status == 200


def test_a_checksum_is_signed_into_the_put(api: Api) -> None:
    data = png_bytes(1500)
    signed = api.post('presign', {'file': describe('cat.png', data, 'image/png'), 'checksum': checksum(data)}).body
    assert signed['headers']['x-amz-checksum-sha256'] == checksum(data)
    assert 'x-amz-checksum-sha256' in parse_qs(urlsplit(signed['url']).query)['X-Amz-SignedHeaders'][0]
    other = png_bytes(1500)
    assert http_put(signed['url'], other, signed['headers']).status in (400, 403)
    assert http_put(signed['url'], data, signed['headers']).status == 200
    assert api.post('complete', complete_body(signed, data)).status == 200
    assert sha256(api.object(signed['key']) or b'') == sha256(data)


def test_resign_always_earns_a_new_key_and_a_malformed_one_is_refused(api: Api) -> None:
    data = png_bytes(800)
    file = describe('cat.png', data, 'image/png')
    first = api.post('presign', {'file': file}).body
    resign = {'key': first['key'], 'token': first['token']}
    assert api.post('presign', {'file': file, 'resign': resign}).body['key'] != first['key']
    assert api.post('presign', {'file': file, 'resign': 'x'}).status == 400


def test_an_on_complete_refusal_is_final_and_takes_the_object_back(make_api: Callable[..., Api]) -> None:
    calls: List[str] = []

    def refuse(upload: Any) -> Any:
        calls.append(upload.key)
        raise HttpError(422, 'bad-request', 'This picture is not allowed here.')

    api = make_api(on_complete=refuse)
    data = png_bytes(900)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    for _ in range(2):
        answer = api.post('complete', complete_body(signed, data))
        assert answer.status == 422
        assert answer.body == {'error': {'code': 'bad-request', 'message': 'This picture is not allowed here.'}}
    assert calls == [signed['key']]
    assert api.object(signed['key']) is None and api.head('pending/' + signed['key']) is None


def test_an_on_complete_failure_keeps_the_pending_bytes_for_a_retry(make_api: Callable[..., Api]) -> None:
    calls: List[str] = []

    def flaky(upload: Any) -> Any:
        calls.append(upload.key)
        if len(calls) == 1:
            raise RuntimeError('the database is down, password hunter2')
        return {'saved': True}

    api = make_api(on_complete=flaky)
    data = png_bytes(900)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    failed = api.post('complete', complete_body(signed, data))
    assert failed.status == 500 and 'hunter2' not in failed.body['error']['message']
    assert api.object(signed['key']) is None
    assert api.head('pending/' + signed['key']) is not None
    retried = api.post('complete', complete_body(signed, data))
    assert (retried.status, retried.body) == (200, {'saved': True})
    assert len(calls) == 2
    assert sha256(api.object(signed['key']) or b'') == sha256(data)


# `resign` (a new URL after one expired) earns a new key: a key is never signed for another PUT,
# or one upload could be tried with one content after another, or a verified key refilled.


def resigned_key(api: Api, file: Dict[str, Any], earlier: Dict[str, Any]) -> str:
    again = api.post('presign', {'file': file, 'resign': {'key': earlier['key'], 'token': earlier['token']}})
    assert again.status == 200, again.body
    return again.body['key']


def test_resign_of_an_upload_whose_url_expired_earns_a_new_key(make_api: Callable[..., Api]) -> None:
    clock = [time.time()]
    api = make_api(now=lambda: clock[0])
    data = png_bytes(800)
    file = describe('cat.png', data, 'image/png')
    first = api.post('presign', {'file': file}).body
    clock[0] += 20 * 60  # the 15-minute URL expired before the PUT; the token did not
    again = api.post('presign', {'file': file, 'resign': {'key': first['key'], 'token': first['token']}}).body
    assert again['key'] != first['key']
    assert http_put(again['url'], data, again['headers']).status == 200
    assert api.post('complete', complete_body(again, data)).status == 200
    assert sha256(api.object(again['key']) or b'') == sha256(data)


def test_resign_after_bytes_were_refused_earns_a_new_key(api: Api) -> None:
    elf = (b'\x7fELF' + b'\x00' * 2000)[:2000]
    file = describe('cat.png', elf, 'image/png')
    signed = api.presign_and_put('cat.png', elf, 'image/png')
    assert api.post('complete', complete_body(signed, elf)).status == 415
    key = resigned_key(api, file, signed)
    assert key != signed['key']  # the refused key is never signed again
    assert api.head('pending/' + signed['key']) is None and api.object(signed['key']) is None


def test_resign_after_on_complete_refused_earns_a_new_key(make_api: Callable[..., Api]) -> None:
    def refuse(upload: Any) -> Any:
        raise HttpError(422, 'content-mismatch', 'Malware found.')

    api = make_api(on_complete=refuse)
    data = png_bytes(900)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    assert api.post('complete', complete_body(signed, data)).status == 422
    assert resigned_key(api, describe('cat.png', data, 'image/png'), signed) != signed['key']


def test_resign_after_a_completion_earns_a_new_key(make_api: Callable[..., Api]) -> None:
    api = make_api()
    data = png_bytes(1000)
    file = describe('cat.png', data, 'image/png')
    signed = api.presign_and_put('cat.png', data, 'image/png')
    assert api.post('complete', complete_body(signed, data)).status == 200
    assert resigned_key(api, file, signed) != signed['key']
    # Another instance remembers no answer, but the object at the key settles it just the same.
    assert resigned_key(make_api(), file, signed) != signed['key']
    assert sha256(api.object(signed['key']) or b'') == sha256(data)


def test_resign_while_the_upload_is_completing_earns_a_new_key(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    data = png_bytes(1100)
    file = describe('cat.png', data, 'image/png')
    signed = api.presign_and_put('cat.png', data, 'image/png')
    verify, checking, resume = upkit_backend._verify_object, threading.Event(), threading.Event()

    def verify_when_resumed(*args: Any, **kwargs: Any) -> Any:
        checking.set()
        resume.wait(timeout=20)
        return verify(*args, **kwargs)

    monkeypatch.setattr(upkit_backend, '_verify_object', verify_when_resumed)
    answers: List[Any] = []
    completing = threading.Thread(target=lambda: answers.append(api.post('complete', complete_body(signed, data))))
    completing.start()
    try:
        assert checking.wait(timeout=20)
        # Nothing is remembered and nothing is at the key yet: only the running completion tells.
        key = resigned_key(api, file, signed)
    finally:
        resume.set()
        completing.join(timeout=30)
    assert key != signed['key']
    assert answers[0].status == 200


def test_resign_with_an_expired_token_earns_a_new_key(make_api: Callable[..., Api]) -> None:
    file = describe('cat.png', png_bytes(700), 'image/png')
    first = make_api().post('presign', {'file': file}).body
    later = make_api(now=lambda: time.time() + 8 * 24 * 3600)
    assert resigned_key(later, file, first) != first['key']


def test_resign_earns_a_new_key_when_storage_cannot_tell(s3: Any, bucket: str) -> None:
    # Storage that does not answer: the key may hold an object, so it is not signed again.
    unreachable = boto3.client('s3', endpoint_url='http://127.0.0.1:9', region_name='us-east-1',
                               aws_access_key_id='x', aws_secret_access_key='y',
                               config=Config(signature_version='s3v4', s3={'addressing_style': 'path'},
                                             retries={'total_max_attempts': 1}, connect_timeout=2))  # fmt: skip
    app = Flask(__name__)
    app.register_blueprint(create_upload_blueprint(unreachable, bucket, SECRET, lambda request: 'alice'),
                           url_prefix='/api/upload')  # fmt: skip
    api = Api(app.test_client(), s3, bucket)
    file = describe('cat.png', png_bytes(600), 'image/png')
    first = api.post('presign', {'file': file}).body
    assert resigned_key(api, file, first) != first['key']
