"""Size and type rules before anything is signed; keys chosen by the server."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict

import pytest
from support import Api, MiB, describe, http_put, png_bytes

UUID = r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'


def create_body(file: Dict[str, Any]) -> Dict[str, Any]:
    return {'file': file, 'partSize': 8 * MiB}


def test_a_size_over_the_limit_answers_413(make_api: Callable[..., Api]) -> None:
    api = make_api(max_file_size=64 * MiB)
    over = {'name': 'huge.png', 'size': 64 * MiB + 1, 'type': 'image/png'}
    for path, body in [('presign', {'file': over}), ('multipart/create', create_body(over))]:
        answer = api.post(path, body)
        assert answer.status == 413 and answer.body['error']['code'] == 'file-too-large'
        assert '67,108,865 bytes' in answer.body['error']['message']
    assert api.post('presign', {'file': {**over, 'size': 64 * MiB}}).status == 200


def test_a_size_under_the_minimum_answers_400(make_api: Callable[..., Api]) -> None:
    api = make_api(min_file_size=100)
    small = api.post('presign', {'file': {'name': 'tiny.png', 'size': 99, 'type': 'image/png'}})
    assert small.status == 400 and small.body['error']['code'] == 'file-too-small'
    assert api.post('presign', {'file': {'name': 'ok.png', 'size': 100, 'type': 'image/png'}}).status == 200


def test_a_type_outside_the_allowed_ones_answers_415(api: Api) -> None:
    exe = {'name': 'setup.exe', 'size': 912, 'type': 'application/x-msdownload'}
    for path, body in [('presign', {'file': exe}), ('multipart/create', create_body(exe))]:
        answer = api.post(path, body)
        assert answer.status == 415 and answer.body['error']['code'] == 'file-type-not-allowed'
        assert 'image/*' in answer.body['error']['message']


@pytest.mark.parametrize('declared', [
    'image/png, text/html', 'image/png;,text/html', 'image/png\x00', 'image/png\x0b', 'image/p\u00f1g',
    'image /png', 'image/png;', '\u202eimage/png', 'image/png text/html',
])  # fmt: skip
def test_anything_but_one_media_type_answers_400_and_signs_nothing(api: Api, declared: str) -> None:
    file = {'name': 'cat.png', 'size': 10, 'type': declared}
    for path, body in [('presign', {'file': file}), ('multipart/create', create_body(file))]:
        answer = api.post(path, body)
        assert answer.status == 400 and answer.body['error']['code'] == 'bad-request'
        assert 'url' not in answer.body and 'uploadId' not in answer.body


@pytest.mark.parametrize('declared', ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/javascript'])
def test_wildcards_never_admit_active_types(make_api: Callable[..., Api], declared: str) -> None:
    api = make_api(allowed_types=['image/*', '*/*', '*', '.svg', '.html'])
    answer = api.post('presign', {'file': {'name': 'x.svg', 'size': 10, 'type': declared}})
    assert answer.status == 415 and answer.body['error']['code'] == 'file-type-not-allowed'
    default = make_api(allowed_types=None)
    assert default.post('presign', {'file': {'name': 'x', 'size': 10, 'type': declared}}).status == 415


def test_an_active_type_named_exactly_is_stored_as_an_attachment(make_api: Callable[..., Api]) -> None:
    api = make_api(allowed_types=['image/svg+xml'])
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    signed = api.presign_and_put('logo.svg', svg, 'image/svg+xml')
    assert signed['headers'] == {'Content-Type': 'image/svg+xml', 'Content-Disposition': 'attachment'}
    assert signed['key'].endswith('.svg')
    done = api.post('complete', {'key': signed['key'], 'token': signed['token']})
    assert done.status == 200, done.body
    assert (api.head(signed['key']) or {}).get('ContentDisposition') == 'attachment'


@pytest.mark.parametrize('name, declared, extension, stored', [
    ('evil.php', 'image/png', '.png', 'image/png'),
    ('shell.php.png', 'IMAGE/PNG; charset=x', '.png', 'image/png'),
    ('photo.jpeg', 'image/jpeg', '.jpg', 'image/jpeg'),
    ('report.exe', 'application/pdf', '.pdf', 'application/pdf'),
    ('evil.svg', 'image/png; name=evil.svg', '.png', 'image/png'),
    ('run.sh', 'application/octet-stream', '', 'application/octet-stream'),
    ('avatar.png', '', '', 'application/octet-stream'),
])  # fmt: skip
def test_the_key_and_its_extension_come_from_the_checked_type(
    make_api: Callable[..., Api], name: str, declared: str, extension: str, stored: str
) -> None:
    api = make_api(allowed_types=['image/*', 'application/pdf', 'application/octet-stream'])
    signed = api.post('presign', {'file': {'name': name, 'size': 10, 'type': declared}}).body
    assert re.fullmatch(rf'uploads/alice/{UUID}{re.escape(extension)}', signed['key'])
    assert signed['headers']['Content-Type'] == stored
    created = api.post('multipart/create', create_body({'name': name, 'size': 10, 'type': declared})).body
    assert re.fullmatch(rf'uploads/alice/{UUID}{re.escape(extension)}', created['key'])


def test_user_ids_become_one_safe_key_segment(api: Api) -> None:
    for user, segment in [('a/b', 'a%2Fb'), ('..', '_'), ('j\u00f6rg', 'j%C3%B6rg')]:
        signed = api.post('presign', {'file': describe('cat.png', b'x' * 10, 'image/png')}, user=user).body
        assert signed['key'].split('/')[1] == segment


def test_every_presign_chooses_a_fresh_key(api: Api) -> None:
    file = describe('cat.png', b'x' * 10, 'image/png')
    keys = {api.post('presign', {'file': file}).body['key'] for _ in range(5)}
    assert len(keys) == 5


def test_an_object_key_callback_chooses_the_key_and_a_bad_one_is_refused(make_api: Callable[..., Api]) -> None:
    api = make_api(object_key=lambda c: f'avatars/{c.user_id}/{c.content_type.replace("/", "-")}{c.extension}-1')
    signed = api.presign_and_put('cat.png', png_bytes(300), 'image/png')
    assert signed['key'] == 'avatars/alice/image-png.png-1'
    broken = make_api(object_key=lambda ctx: 'pending/escape.png')
    answer = broken.post('presign', {'file': describe('cat.png', b'x' * 10, 'image/png')})
    assert answer.status == 500 and answer.body['error']['code'] == 'server-misconfigured'
    assert http_put(signed['url'], png_bytes(300), signed['headers']).status == 200
