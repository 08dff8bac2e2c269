"""Multipart uploads against MinIO: create, sign-parts, real part PUTs, list-parts, complete, abort."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List
from urllib.parse import parse_qs, urlsplit

import pytest

from support import Api, MiB, checksum, describe, http_put, pdf_bytes, session_of, sha256


def complete_body(upload: Dict[str, Any]) -> Dict[str, Any]:
    return {**session_of(upload), 'parts': upload['parts'], 'file': upload['file']}


def test_multipart_upload_lands_the_verified_bytes_at_the_final_key(api: Api) -> None:
    data = pdf_bytes(11 * MiB + 3)
    upload = api.upload_parts(data, 'application/pdf', part_size=5 * MiB)
    assert upload['partSize'] == 5 * MiB
    assert [part['size'] for part in upload['parts']] == [5 * MiB, 5 * MiB, MiB + 3]
    listed = api.post('multipart/list-parts', session_of(upload))
    assert listed.status == 200
    assert [(p['partNumber'], p['etag'], p['size']) for p in listed.body['parts']] == [
        (p['partNumber'], p['etag'], p['size']) for p in upload['parts']
    ]
    assert api.object(upload['key']) is None

    done = api.post('multipart/complete', complete_body(upload))
    assert done.status == 200, done.body
    assert done.body == {'key': upload['key'], 'size': len(data), 'contentType': 'application/pdf'}
    assert sha256(api.object(upload['key']) or b'') == sha256(data)
    final = api.head(upload['key']) or {}
    assert (final.get('ContentType'), final.get('ContentDisposition')) == ('application/pdf', 'inline')
    assert api.head('pending/' + upload['key']) is None
    again = api.post('multipart/complete', complete_body(upload))
    assert (again.status, again.body) == (200, done.body)


def test_the_part_size_is_answered_and_bound_into_the_token(api: Api) -> None:
    file = {'name': 'v.pdf', 'size': 12 * MiB, 'type': 'application/pdf'}
    assert api.post('multipart/create', {'file': file, 'partSize': 1}).body['partSize'] == 5 * MiB
    assert api.post('multipart/create', {'file': file, 'partSize': 'big'}).body['partSize'] == 8 * MiB
    upload = api.post('multipart/create', {'file': file, 'partSize': 6 * MiB}).body
    assert upload['partSize'] == 6 * MiB
    fields = upload['token'].split('.')
    fields[3] = str(12 * MiB)  # one part of the whole size: the MAC no longer matches
    forged = {**session_of(upload), 'token': '.'.join(fields), 'partNumbers': [1]}
    assert api.post('multipart/sign-parts', forged).status == 403


def test_part_numbers_beyond_the_plan_are_refused(api: Api) -> None:
    upload = api.post('multipart/create', {'file': describe('v.pdf', b'x' * (11 * MiB), 'application/pdf'),
                                           'partSize': 5 * MiB}).body  # fmt: skip
    for numbers in [[4], [0], [1, 2, 3, 4], [], 'all', [1.5], [True], list(range(1, 102))]:
        answer = api.post('multipart/sign-parts', {**session_of(upload), 'partNumbers': numbers})
        assert answer.status == 400 and answer.body['error']['code'] == 'bad-request', numbers
    signed = api.post('multipart/sign-parts', {**session_of(upload), 'partNumbers': [3, 1, 3]})
    assert sorted(part['partNumber'] for part in signed.body['parts']) == [1, 3]


def test_every_part_url_signs_its_exact_length(api: Api) -> None:
    data = pdf_bytes(6 * MiB)
    file = describe('v.pdf', data, 'application/pdf')
    upload = api.post('multipart/create', {'file': file, 'partSize': 5 * MiB}).body
    parts = api.post('multipart/sign-parts', {**session_of(upload), 'partNumbers': [1, 2]}).body['parts']
    urls = {part['partNumber']: part['url'] for part in parts}
    assert http_put(urls[1], data[:5 * MiB - 1]).status in (400, 403)
    assert http_put(urls[2], data[5 * MiB:] + b'more').status in (400, 403)
    assert http_put(urls[2], data[5 * MiB:]).status == 200


def test_list_parts_follows_every_page(make_api: Callable[..., Api]) -> None:
    api = make_api(list_parts_page_size=2)
    upload = api.post('multipart/create', {'file': describe('v.pdf', b'x' * (30 * MiB), 'application/pdf'),
                                           'partSize': 5 * MiB}).body  # fmt: skip
    # Small parts written around the signed URLs: storage checks part sizes only on complete.
    etags = [api.s3.upload_part(Bucket=api.bucket, Key='pending/' + upload['key'], UploadId=upload['uploadId'],
                                PartNumber=n, Body=os.urandom(n))['ETag'] for n in range(1, 6)]  # fmt: skip
    listed = api.post('multipart/list-parts', session_of(upload))
    assert listed.status == 200
    assert [(p['partNumber'], p['etag'], p['size']) for p in listed.body['parts']] == [
        (n, etags[n - 1], n) for n in range(1, 6)
    ]


def test_list_parts_returns_more_than_1000_parts(make_api: Callable[..., Api]) -> None:
    api = make_api(list_parts_page_size=1000, max_file_size=6 * 1024 * MiB)  # S3's page size
    file = describe('v.pdf', b'', 'application/pdf')
    upload = api.post('multipart/create', {'file': {**file, 'size': 1001 * 5 * MiB}, 'partSize': 5 * MiB}).body
    assert upload['partSize'] == 5 * MiB

    def put(number: int) -> str:
        return api.s3.upload_part(Bucket=api.bucket, Key='pending/' + upload['key'], UploadId=upload['uploadId'],
                                  PartNumber=number, Body=b'x')['ETag']  # fmt: skip

    with ThreadPoolExecutor(max_workers=32) as pool:
        etags = list(pool.map(put, range(1, 1002)))
    listed = api.post('multipart/list-parts', session_of(upload)).body['parts']
    assert [(p['partNumber'], p['etag'], p['size']) for p in listed] == [(n, etags[n - 1], 1) for n in range(1, 1002)]
    assert api.post('multipart/abort', session_of(upload)).status == 204


def test_abort_answers_2xx_also_when_gone_and_with_an_expired_token(make_api: Callable[..., Api]) -> None:
    api = make_api()
    file = describe('v.pdf', b'x' * (6 * MiB), 'application/pdf')
    upload = api.post('multipart/create', {'file': file, 'partSize': 5 * MiB}).body
    aborted = api.post('multipart/abort', session_of(upload))
    assert aborted.status == 204 and aborted.body is None
    gone = api.post('multipart/list-parts', session_of(upload))
    assert gone.status == 404 and gone.body['error']['code'] == 'not-found'
    assert api.post('multipart/abort', session_of(upload)).status == 204

    later = make_api(now=lambda: time.time() + 8 * 24 * 3600)
    expired = api.post('multipart/create', {'file': file, 'partSize': 5 * MiB}).body
    assert later.post('multipart/sign-parts', {**session_of(expired), 'partNumbers': [1]}).status == 403
    assert later.post('multipart/abort', session_of(expired)).status == 204
    assert api.post('multipart/list-parts', session_of(expired)).status == 404


def test_tokens_of_another_user_or_another_kind_are_refused(api: Api) -> None:
    data = pdf_bytes(6 * MiB)
    upload = api.upload_parts(data, 'application/pdf')
    for path, extra in [('multipart/sign-parts', {'partNumbers': [1]}), ('multipart/list-parts', {}),
                        ('multipart/complete', {'parts': upload['parts']}), ('multipart/abort', {})]:  # fmt: skip
        answer = api.post(path, {**session_of(upload), **extra}, user='bob')
        assert answer.status == 403 and answer.body['error']['code'] == 'forbidden', path
    single = api.post('presign', {'file': describe('a.pdf', b'%PDF' * 10, 'application/pdf')}).body
    as_multipart = {'uploadId': upload['uploadId'], 'key': single['key'], 'token': single['token']}
    assert api.post('multipart/list-parts', as_multipart).status == 403
    assert api.post('complete', {'key': upload['key'], 'token': upload['token']}).status == 403
    assert api.object(upload['key']) is None
    assert api.post('multipart/complete', complete_body(upload)).status == 200


def test_content_that_is_not_the_declared_type_is_refused_at_multipart_complete(api: Api) -> None:
    data = b'MZ' + os.urandom(6 * MiB)  # an executable, declared as a PDF
    upload = api.upload_parts(data, 'application/pdf')
    refused = api.post('multipart/complete', complete_body(upload))
    assert refused.status == 415 and refused.body['error']['code'] == 'content-mismatch'
    assert api.object(upload['key']) is None
    assert api.head('pending/' + upload['key']) is None
    again = api.post('multipart/complete', complete_body(upload))
    assert again.status == 415


def test_part_checksums_are_signed_listed_and_completed(api: Api) -> None:
    data = pdf_bytes(7 * MiB)
    upload = api.upload_parts(data, 'application/pdf', checksums=True)
    assert upload['checksumAlgorithm'] == 'SHA256'
    listed = api.post('multipart/list-parts', session_of(upload)).body['parts']
    assert [part['checksum'] for part in listed] == [checksum(data[:5 * MiB]), checksum(data[5 * MiB:])]

    # Storage opened the upload for checksums: it lists them, and a complete without them is refused.
    stored = api.s3.list_parts(Bucket=api.bucket, Key='pending/' + upload['key'], UploadId=upload['uploadId'])
    assert stored.get('ChecksumAlgorithm') == 'SHA256'
    bare = [{key: value for key, value in part.items() if key != 'checksum'} for part in upload['parts']]
    refused = api.post('multipart/complete', {**complete_body(upload), 'parts': bare})
    assert refused.status == 400 and refused.body['error']['code'] == 'invalid-part'

    # The checksum is a signed header: a part whose bytes differ, or a PUT without it, is refused.
    again = {**session_of(upload), 'partNumbers': [2], 'checksums': {'2': checksum(data[5 * MiB:])}}
    part = api.post('multipart/sign-parts', again).body['parts'][0]
    assert part['headers'] == {'x-amz-checksum-sha256': checksum(data[5 * MiB:])}
    assert 'x-amz-checksum-sha256' in parse_qs(urlsplit(part['url']).query)['X-Amz-SignedHeaders'][0]
    assert http_put(part['url'], os.urandom(2 * MiB), part['headers']).status in (400, 403)
    assert http_put(part['url'], data[5 * MiB:]).status in (400, 403)

    done = api.post('multipart/complete', complete_body(upload))
    assert done.status == 200, done.body
    assert sha256(api.object(upload['key']) or b'') == sha256(data)


def test_parts_storage_refuses_answer_invalid_part(api: Api) -> None:
    data = pdf_bytes(6 * MiB)
    upload = api.upload_parts(data, 'application/pdf')
    wrong = [{**upload['parts'][0], 'etag': '"00000000000000000000000000000000"'}, upload['parts'][1]]
    answer = api.post('multipart/complete', {**complete_body(upload), 'parts': wrong})
    assert answer.status == 400 and answer.body['error']['code'] == 'invalid-part'
    assert api.post('multipart/complete', {**complete_body(upload), 'parts': 'all'}).status == 400
    assert api.post('multipart/complete', complete_body(upload)).status == 200


def test_a_retried_complete_after_storage_assembled_the_parts_is_answered(api: Api) -> None:
    data = pdf_bytes(6 * MiB)
    upload = api.upload_parts(data, 'application/pdf')
    # The first multipart/complete assembled the parts, then its answer was lost (a timeout).
    parts = [{'PartNumber': p['partNumber'], 'ETag': p['etag']} for p in upload['parts']]
    api.s3.complete_multipart_upload(Bucket=api.bucket, Key='pending/' + upload['key'], UploadId=upload['uploadId'],
                                     MultipartUpload={'Parts': parts})  # fmt: skip
    # The pending object has the type and disposition multipart/create set: parts carry none.
    pending = api.head('pending/' + upload['key']) or {}
    assert (pending.get('ContentType'), pending.get('ContentDisposition')) == ('application/pdf', 'inline')
    done = api.post('multipart/complete', complete_body(upload))  # storage now answers NoSuchUpload
    assert done.status == 200, done.body
    assert sha256(api.object(upload['key']) or b'') == sha256(data)


def test_complete_lists_exactly_parts_1_to_n_each_once(api: Api) -> None:
    data = pdf_bytes(10 * MiB + 100)  # parts of 5 MiB, 5 MiB and 100 bytes
    upload = api.upload_parts(data, 'application/pdf')
    one, two, three = upload['parts']
    # Storage assembles a part listed twice: [1, 1, 3] is an object of the right size, wrong bytes.
    fourth = {**three, 'partNumber': 4}
    for parts in [[one, one, three], [one, two], [one, two, three, three], [one, two, three, fourth]]:
        answer = api.post('multipart/complete', {**complete_body(upload), 'parts': parts})
        assert answer.status == 400 and answer.body['error']['code'] == 'invalid-part', [p['partNumber'] for p in parts]
        assert 'list parts 1 to 3, each once' in answer.body['error']['message']
        assert api.object(upload['key']) is None
    done = api.post('multipart/complete', {**complete_body(upload), 'parts': [three, one, two]})
    assert done.status == 200, done.body
    assert sha256(api.object(upload['key']) or b'') == sha256(data)


@pytest.fixture
def aborts(api: Api) -> Iterator[List[str]]:
    """The keys of every AbortMultipartUpload sent to storage while the test runs."""
    sent: List[str] = []

    def record(params: Dict[str, Any], **_: Any) -> None:
        sent.append(params['Key'])

    api.s3.meta.events.register('provide-client-params.s3.AbortMultipartUpload', record, unique_id='test-aborts')
    try:
        yield sent
    finally:
        api.s3.meta.events.unregister('provide-client-params.s3.AbortMultipartUpload', unique_id='test-aborts')


def test_abort_of_an_upload_with_an_outcome_answers_204_and_asks_storage_nothing(
    api: Api, aborts: List[str]
) -> None:
    done = api.upload_parts(pdf_bytes(6 * MiB), 'application/pdf')
    assert api.post('multipart/complete', complete_body(done)).status == 200
    refused = api.upload_parts(b'MZ' + os.urandom(6 * MiB), 'application/pdf')
    assert api.post('multipart/complete', complete_body(refused)).status == 415
    for upload in (done, refused):
        answer = api.post('multipart/abort', session_of(upload))
        assert answer.status == 204 and answer.body is None
    assert aborts == []
    assert api.object(done['key']) is not None
    # An upload without an outcome is aborted at storage, as before.
    open_upload = api.post('multipart/create', {'file': describe('v.pdf', b'x' * 10, 'application/pdf')}).body
    assert api.post('multipart/abort', session_of(open_upload)).status == 204
    assert aborts == ['pending/' + open_upload['key']]
