"""The copy to the final key: only checked bytes, only the server's metadata, never over an object."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import upkit_backend
from support import Api, http_put, png_bytes, sha256


def complete_body(signed: Any) -> Any:
    return {'key': signed['key'], 'token': signed['token']}


def test_another_instance_never_replaces_a_completed_object(make_api: Callable[..., Api]) -> None:
    first_instance, second_instance = make_api(), make_api()  # separate completion stores
    first = png_bytes(4000)
    signed = first_instance.presign_and_put('cat.png', first, 'image/png')
    assert first_instance.post('complete', complete_body(signed)).status == 200
    second = png_bytes(4000)  # a valid PNG of the same size, PUT again to the still valid URL
    assert http_put(signed['url'], second, signed['headers']).status == 200
    answer = second_instance.post('complete', complete_body(signed))
    # The key is taken and this instance has no answer: "being completed elsewhere", retry later.
    assert answer.status == 503 and answer.body['error']['code'] == 'completing'
    assert answer.headers['Retry-After'] == '1'
    assert sha256(first_instance.object(signed['key']) or b'') == sha256(first)


def test_bytes_changed_after_the_check_are_never_copied(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    data = png_bytes(3000)
    signed = api.presign_and_put('cat.png', data, 'image/png')
    verify = upkit_backend._verify_object
    swapped = png_bytes(3000)

    def verify_then_swap(*args: Any, **kwargs: Any) -> Any:
        etag = verify(*args, **kwargs)
        # A second PUT lands between the check and the copy.
        assert http_put(signed['url'], swapped, signed['headers']).status == 200
        return etag

    monkeypatch.setattr(upkit_backend, '_verify_object', verify_then_swap)
    answer = api.post('complete', complete_body(signed))
    assert answer.status == 409 and answer.body['error']['code'] == 'content-mismatch'
    assert api.object(signed['key']) is None
    monkeypatch.setattr(upkit_backend, '_verify_object', verify)
    assert api.post('complete', complete_body(signed)).status == 409  # final for this upload


def test_headers_the_uploader_adds_never_reach_the_final_object(api: Api) -> None:
    data = png_bytes(2500)
    signed = api.post('presign', {'file': {'name': 'cat.png', 'size': len(data), 'type': 'image/png'}}).body
    extra = {'Cache-Control': 'public, max-age=31536000', 'Content-Language': 'xx',
             'Expires': 'Wed, 21 Oct 2099 07:28:00 GMT'}  # fmt: skip
    put = http_put(signed['url'], data, {**signed['headers'], **extra})
    assert put.status == 200, put.body  # MinIO stores unsigned standard headers on the pending object
    assert (api.head('pending/' + signed['key']) or {}).get('CacheControl') == extra['Cache-Control']
    assert api.post('complete', complete_body(signed)).status == 200
    final = api.head(signed['key']) or {}
    assert 'CacheControl' not in final and 'ContentLanguage' not in final and 'Expires' not in final
    assert (final.get('ContentType'), final.get('ContentDisposition')) == ('image/png', 'inline')
    assert sha256(api.object(signed['key']) or b'') == sha256(data)
