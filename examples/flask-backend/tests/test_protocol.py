"""The HTTP surface: paths, methods, content types, bodies, sign-in, origins, error bodies."""

from __future__ import annotations

from typing import Any, Callable, List

import boto3
import pytest
from botocore.config import Config
from support import Api, describe, png_bytes
from upkit_backend import create_upload_blueprint

PNG = describe('cat.png', png_bytes(64), 'image/png')
ENDPOINTS = ['presign', 'complete', 'presign/batch', 'complete/batch', 'multipart/create', 'multipart/sign-parts',
             'multipart/list-parts', 'multipart/complete', 'multipart/abort']  # fmt: skip


def assert_error(answer: Any, status: int, code: str) -> None:
    assert answer.status == status, answer.body
    assert answer.body['error']['code'] == code
    assert isinstance(answer.body['error']['message'], str) and answer.body['error']['message']


@pytest.mark.parametrize('path', ['nope', '', 'multipart/nope', 'PRESIGN', 'presign/x', 'x/presign'])
def test_unknown_paths_answer_404(api: Api, path: str) -> None:
    assert_error(api.post(path, {'file': PNG}), 404, 'not-found')


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'FOO'])
def test_other_methods_answer_405_with_allow_post(api: Api, method: str) -> None:
    answer = api.post('presign', {'file': PNG}, method=method)
    assert_error(answer, 405, 'method-not-allowed')
    assert answer.headers['Allow'] == 'POST'


def test_head_answers_405_with_allow_post(api: Api) -> None:
    answer = api.post('presign', method='HEAD')
    assert answer.status == 405
    assert answer.headers['Allow'] == 'POST'


@pytest.mark.parametrize('content_type', [
    'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    None, 'application/jsonx', 'text/json', 'application/json, text/plain',
])  # fmt: skip
def test_bodies_a_form_can_send_answer_415_before_sign_in(make_api: Callable[..., Api], content_type: Any) -> None:
    asked: List[Any] = []
    api = make_api(authorize=lambda request: asked.append(request) or 'alice')
    assert_error(api.post('presign', {'file': PNG}, content_type=content_type), 415, 'unsupported-media-type')
    assert asked == []


@pytest.mark.parametrize('content_type', ['application/json; charset=utf-8', 'Application/JSON'])
def test_json_with_parameters_or_in_capitals_is_json(api: Api, content_type: str) -> None:
    assert api.post('presign', {'file': PNG}, content_type=content_type).status == 200


@pytest.mark.parametrize('raw', [b'not json', b'[1]', b'"text"', b'null', b'', b'{"file": NaN}', b'{"a": 1', b'\xff'])
def test_malformed_bodies_answer_400(api: Api, raw: bytes) -> None:
    assert_error(api.post('presign', raw=raw), 400, 'bad-request')


@pytest.mark.parametrize('path', ENDPOINTS)
def test_every_endpoint_answers_401_without_sign_in(api: Api, path: str) -> None:
    assert_error(api.post(path, {'file': PNG}, user=None), 401, 'unauthorized')


def test_an_origin_not_allowed_answers_403(make_api: Callable[..., Api]) -> None:
    api = make_api(allowed_origins=['https://app.example'])
    for origin in ['https://evil.example', 'http://app.example', 'https://app.example:8443', 'null']:
        assert_error(api.post('presign', {'file': PNG}, headers={'Origin': origin}), 403, 'forbidden-origin')
    assert api.post('presign', {'file': PNG}, headers={'Origin': 'https://app.example'}).status == 200
    assert api.post('presign', {'file': PNG}).status == 200


def test_answers_are_never_cached(api: Api) -> None:
    signed = api.post('presign', {'file': PNG})
    assert signed.status == 200
    assert signed.headers['Cache-Control'] == 'no-store'
    assert api.post('nope', {}).headers['Cache-Control'] == 'no-store'


def test_a_failing_authorize_answers_a_generic_500(make_api: Callable[..., Api]) -> None:
    def broken(_request: Any) -> Any:
        raise RuntimeError('database password is hunter2')

    answer = make_api(authorize=broken).post('presign', {'file': PNG})
    assert_error(answer, 500, 'server-error')
    assert 'hunter2' not in answer.body['error']['message']


def test_a_body_over_its_cap_answers_413(api: Api) -> None:
    padded = {'file': PNG, 'padding': 'x' * (64 * 1024)}
    assert_error(api.post('presign', padded), 413, 'body-too-large')


def test_invalid_fields_answer_400(api: Api) -> None:
    for file in [None, 'cat.png', {**PNG, 'size': -1}, {**PNG, 'size': True}, {**PNG, 'size': 1.5}, {**PNG, 'name': 7},
                 {**PNG, 'metadata': {'a': 1}}, {**PNG, 'metadata': {'a': 'x' * 3000}}]:  # fmt: skip
        assert_error(api.post('presign', {'file': file}), 400, 'bad-request')
    assert_error(api.post('presign', {'file': PNG, 'checksum': 'abc'}), 400, 'bad-request')


def test_a_client_that_would_presign_with_sigv2_is_refused_at_creation(minio: Any) -> None:
    # botocore presigns S3 with SigV2 unless told otherwise; SigV2 cannot sign the headers.
    sigv2 = boto3.client('s3', endpoint_url=minio.endpoint, region_name='us-east-1',
                         aws_access_key_id=minio.access_key, aws_secret_access_key=minio.secret_key)  # fmt: skip
    with pytest.raises(TypeError, match='SigV4'):
        create_upload_blueprint(sigv2, 'bucket', 'x' * 32, lambda request: 'alice')
    with pytest.raises(TypeError, match='32 bytes'):
        create_upload_blueprint(sigv4_client(minio), 'bucket', 'short', lambda request: 'alice')


def sigv4_client(minio: Any) -> Any:
    config = Config(signature_version='s3v4', s3={'addressing_style': 'path'})
    return boto3.client('s3', endpoint_url=minio.endpoint, region_name='us-east-1', aws_access_key_id=minio.access_key,
                        aws_secret_access_key=minio.secret_key, config=config)  # fmt: skip


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_a_body_nested_deeper_than_32_levels_answers_400_before_parsing(api: Api) -> None:
    # The file object is one level; an extra field adds its own levels.
    assert api.post('presign', {'file': PNG, 'extra': nested(31)}).status == 200
    deep = api.post('presign', {'file': PNG, 'extra': nested(32)})
    assert_error(deep, 400, 'bad-request')
    assert '32 levels' in deep.body['error']['message']
    # Brackets inside strings are text, however many; escaped quotes do not end the string.
    text = '"\\"' + '[' * 100 + '{' * 100
    assert api.post('presign', {'file': {**PNG, 'name': text}, 'extra': nested(31)}).status == 200
    assert_error(api.post('presign/batch', {'files': [{'file': PNG, 'x': nested(31)}]}), 400, 'bad-request')


@pytest.mark.parametrize('path', ENDPOINTS)
def test_a_body_nested_thousands_deep_answers_400_on_every_endpoint(api: Api, path: str) -> None:
    depth = 30_000 if path in ('presign', 'complete') or path.startswith('multipart/') else 100_000
    raw = b'{"parts":' + b'[' * depth + b']' * depth + b'}'  # within each endpoint's body cap
    assert_error(api.post(path, raw=raw), 400, 'bad-request')


@pytest.mark.parametrize('path', ENDPOINTS)
def test_authorize_returning_an_empty_string_is_anonymous(make_api: Callable[..., Api], path: str) -> None:
    # An `authorize` that returns a header's value gets '' without the header.
    api = make_api(authorize=lambda request: request.headers.get('x-user', ''))
    assert_error(api.post(path, {'file': PNG}, user=None), 401, 'unauthorized')


@pytest.mark.parametrize('user_id', ['', None, True, 'x' * 1025, 'a\ud800', ['alice']])
def test_a_user_id_that_is_not_a_well_formed_string_answers_500(make_api: Callable[..., Api], user_id: Any) -> None:
    api = make_api(get_user_id=lambda user: user_id)
    for path in ENDPOINTS:
        assert_error(api.post(path, {'file': PNG}), 500, 'server-misconfigured')
    assert api.post('presign', {'file': PNG}).body['error']['message'].endswith('(see `get_user_id`).')
    # The longest id is fine (the default key, over 900 bytes with it, is not: a key of its own).
    longest = make_api(get_user_id=lambda user: 'x' * 1024, object_key=lambda c: f'by-length/{len(c.user_id)}.png')
    answer = longest.post('presign', {'file': PNG})
    assert answer.status == 200 and answer.body['key'] == 'by-length/1024.png'


def test_an_integer_user_id_is_its_decimal_string(make_api: Callable[..., Api]) -> None:
    # A database's integer id, as apps wrote `get_user_id` before ids were checked.
    answer = make_api(get_user_id=lambda user: 42).post('presign', {'file': PNG})
    assert answer.status == 200 and answer.body['key'].startswith('uploads/42/')
