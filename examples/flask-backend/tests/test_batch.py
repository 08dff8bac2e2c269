"""presign/batch and complete/batch: one result per entry, in order, each as its one-file call."""

from __future__ import annotations

from typing import Any, Dict

from support import Api, describe, http_put, pdf_bytes, png_bytes, sha256


def test_presign_batch_answers_each_entry_as_presign_would(api: Api) -> None:
    cat, doc = png_bytes(900), pdf_bytes(1200)
    answer = api.post('presign/batch', {'files': [
        {'file': describe('cat.png', cat, 'image/png')},
        {'file': {'name': 'setup.exe', 'size': 912, 'type': 'application/x-msdownload'}},
        {'file': describe('doc.pdf', doc, 'application/pdf')},
        {'file': {'name': 'x.png', 'size': 10, 'type': 'image/png, text/html'}},
        'not an object',
    ]})  # fmt: skip
    assert answer.status == 200
    results = answer.body['results']
    assert [result['status'] for result in results] == [200, 415, 200, 400, 400]
    assert results[1]['body']['error']['code'] == 'file-type-not-allowed'
    assert results[0]['body']['key'].endswith('.png') and results[2]['body']['key'].endswith('.pdf')
    for result, data in [(results[0], cat), (results[2], doc)]:
        assert http_put(result['body']['url'], data, result['body']['headers']).status == 200


def test_complete_batch_completes_each_entry_on_its_own(api: Api) -> None:
    cat, doc, fake = png_bytes(900), pdf_bytes(1200), b'just text, not a png'.ljust(300)
    signed = [api.presign_and_put('cat.png', cat, 'image/png'), api.presign_and_put('doc.pdf', doc, 'application/pdf'),
              api.presign_and_put('fake.png', fake, 'image/png')]  # fmt: skip

    def entry(index: int, **override: Any) -> Dict[str, Any]:
        return {'key': signed[index]['key'], 'token': signed[index]['token'], **override}

    answer = api.post('complete/batch', {'uploads': [entry(0), entry(1, token='v2.forged'), entry(1), entry(2), 7]})
    assert answer.status == 200
    results = answer.body['results']
    assert [result['status'] for result in results] == [200, 403, 200, 415, 400]
    assert results[0]['body'] == {'key': signed[0]['key'], 'size': 900, 'contentType': 'image/png'}
    assert results[3]['body']['error']['code'] == 'content-mismatch'
    assert sha256(api.object(signed[0]['key']) or b'') == sha256(cat)
    assert sha256(api.object(signed[1]['key']) or b'') == sha256(doc)
    assert api.object(signed[2]['key']) is None
    # Idempotent per entry: the one-file call gets the answer the batch entry got.
    assert api.post('complete', entry(0)).body == results[0]['body']


def test_batch_limits(make_api: Any) -> None:
    api = make_api(batch_concurrency=1)
    file = {'file': describe('cat.png', b'x' * 10, 'image/png')}
    too_many = api.post('presign/batch', {'files': [file] * 101})
    assert too_many.status == 413 and too_many.body['error']['code'] == 'batch-too-large'
    assert '100' in too_many.body['error']['message']
    assert [r['status'] for r in api.post('presign/batch', {'files': [file] * 100}).body['results']] == [200] * 100
    for body in [{'files': []}, {}, {'files': file}, {'uploads': [file]}]:
        assert api.post('presign/batch', body).status == 400
    huge_entry = {**file, 'padding': 'x' * (64 * 1024)}
    mixed = api.post('presign/batch', {'files': [file, huge_entry, file]}).body['results']
    assert [r['status'] for r in mixed] == [200, 413, 200]
    assert mixed[1]['body']['error']['code'] == 'body-too-large'
    whole = api.post('presign/batch', {'files': [huge_entry] * 17})
    assert whole.status == 413 and whole.body['error']['code'] == 'body-too-large'
    assert make_api(max_batch_size=2).post('presign/batch', {'files': [file] * 3}).status == 413
