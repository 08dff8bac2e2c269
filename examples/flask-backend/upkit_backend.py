"""The upkit backend protocol (docs/protocol.md) as a Flask blueprint on boto3.

    from upkit_backend import create_upload_blueprint

    uploads = create_upload_blueprint(s3, 'my-bucket', secret, authorize=current_user_or_none,
                                      allowed_types=['image/*', 'application/pdf'])
    app.register_blueprint(uploads, url_prefix='/api/upload')

The backend never sees file bytes. It signs URLs that write to a private pending key, and
`complete` checks what storage holds (size, first bytes) before it copies the bytes to the key
the client was told, with metadata the server chooses, and only if that key is free.

The S3 client must sign with SigV4 (`Config(signature_version='s3v4')`): botocore presigns S3
with SigV2 by default in some regions, and SigV2 cannot sign the headers storage must enforce.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import math
import mimetypes
import re
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union
from urllib.parse import parse_qs, quote, urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, Request, Response, copy_current_request_context
from flask import request as flask_request

__all__ = [
    'CompletedUpload',
    'CompletionStore',
    'HttpError',
    'KeyContext',
    'MemoryCompletionStore',
    'create_upload_blueprint',
    'default_object_key',
    'is_active_type',
    'parse_media_type',
    'safe_segment',
]

log = logging.getLogger('upkit_backend')

T = TypeVar('T')

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
TiB = 1024 * GiB

# S3: parts of 5 MiB to 5 GiB, at most 10,000 of them, 5 TiB per object, 5 GiB per single PUT.
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
MAX_SINGLE_SIZE = 5 * GiB
MAX_OBJECT_SIZE = 5 * TiB
DEFAULT_PART_SIZE = 8 * MiB

# Body caps: a multipart/complete of 10,000 parts and a batch of 100 entries are the large ones.
SINGLE_BODY_BYTES = 64 * KiB
LARGE_BODY_BYTES = 1024 * KiB
MAX_SIGN_PARTS = 100
CHECKSUM_HEADER = 'x-amz-checksum-sha256'
SHA256_BASE64 = re.compile(r'[A-Za-z0-9+/]{43}=')
MAX_SAFE_INTEGER = 2**53 - 1


# ---------------------------------------------------------------------------------------------
# Errors


class HttpError(Exception):
    """An error answered as `{"error": {"code", "message"}}`; the message is shown to people.

    Raise it from `on_complete` to refuse a file for good (a status under 500): the object is
    removed again and every later `complete` of the upload gets the same answer.
    """

    def __init__(
        self, status: int, code: str, message: str, headers: Optional[Mapping[str, str]] = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers: Dict[str, str] = dict(headers or {})

    def body(self) -> Dict[str, Any]:
        return {'error': {'code': self.code, 'message': self.message}}


def _bad_request(message: str) -> HttpError:
    return HttpError(400, 'bad-request', message)


def _server_error() -> HttpError:
    # Never the exception's own message: it can hold internals.
    return HttpError(500, 'server-error', 'The upload server failed. Try again in a moment.')


def _storage_unavailable() -> HttpError:
    return HttpError(502, 'storage-error', 'Storage did not accept the request. Try again in a moment.')


def _too_large() -> HttpError:
    return HttpError(413, 'body-too-large', 'The request body is too large for an upload control call.')


def _forbidden() -> HttpError:
    return HttpError(
        403,
        'forbidden',
        'This upload does not belong to you, or its token has expired. Start the upload again.',
    )


def _changed_meanwhile() -> HttpError:
    return HttpError(
        409, 'content-mismatch', 'The uploaded file changed while it was being checked. Upload it again.'
    )


def _storage_status(error: BaseException) -> Optional[int]:
    if isinstance(error, ClientError):
        status = error.response.get('ResponseMetadata', {}).get('HTTPStatusCode')
        return status if isinstance(status, int) else None
    return None


def _storage_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get('Error', {}).get('Code', ''))
    return ''


def _storage_error(error: BaseException) -> HttpError:
    """Storage's own message is never echoed: it can hold the bucket, the key or a signed URL."""
    if _storage_code(error) == 'NoSuchUpload':
        return HttpError(404, 'not-found', 'This upload no longer exists. Start it again.')
    return _storage_unavailable()


STORAGE_ERRORS = (ClientError, BotoCoreError)


def _storage(call: Callable[[], T]) -> T:
    try:
        return call()
    except STORAGE_ERRORS as error:
        raise _storage_error(error) from None


def _delete_quietly(s3: Any, bucket: str, key: str) -> None:
    # Best effort: a failed delete leaves bytes for the lifecycle rule, never a wrong answer.
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except STORAGE_ERRORS:
        pass


# ---------------------------------------------------------------------------------------------
# Media types

# RFC 9110 section 5.6.2: token = 1*tchar; 5.6.4 / 5.6.6: quoted strings of visible ASCII.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
_MEDIA_TYPE = re.compile(rf'({_TOKEN})/({_TOKEN})((?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|{_QUOTED}))*)[ \t]*')


def parse_media_type(value: str) -> Optional[str]:
    """The lower-case `type/subtype` of exactly one RFC 9110 media type, else `None`.

    A list (`image/png, text/html`), a control or non-ASCII character, whitespace inside a
    token or a stray `;` make it malformed. Storage serves whatever string was signed, so only
    this essence is ever signed.
    """
    match = _MEDIA_TYPE.fullmatch(value)
    return f'{match[1]}/{match[2]}'.lower() if match else None


# Types a browser runs, or renders as a document with the bucket's origin.
_ACTIVE_TYPES = frozenset({
    'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml', 'text/xsl',
    'text/javascript', 'application/javascript', 'application/x-javascript', 'application/ecmascript',
    'text/ecmascript', 'text/jscript', 'text/livescript', 'application/x-ecmascript',
    'text/x-javascript', 'text/x-ecmascript', 'multipart/x-mixed-replace',
    'application/x-shockwave-flash', 'application/vnd.adobe.flash-movie',
})  # fmt: skip


def is_active_type(essence: str) -> bool:
    """Whether browsers run or render this type (HTML, SVG and all XML, scripts, Flash)."""
    return essence in _ACTIVE_TYPES or essence.endswith('+xml') or essence.endswith('+html')


GENERIC_TYPE = 'application/octet-stream'

# Known extensions of common types, the preferred one first; the same answers as upkit/server's
# mime/lite, so both servers name keys alike. A type not listed gets no extension.
_EXTENSIONS: Dict[str, Tuple[str, ...]] = {
    'image/png': ('png',), 'image/jpeg': ('jpg', 'jpeg', 'jpe'), 'image/gif': ('gif',),
    'image/webp': ('webp',), 'image/avif': ('avif',), 'image/heic': ('heic',), 'image/heif': ('heif',),
    'image/bmp': ('bmp', 'dib'), 'image/tiff': ('tif', 'tiff'), 'image/svg+xml': ('svg', 'svgz'),
    'application/pdf': ('pdf',), 'text/plain': ('txt', 'text', 'conf', 'def', 'list', 'log', 'in', 'ini'),
    'text/csv': ('csv',), 'text/markdown': ('md', 'markdown'), 'application/json': ('json', 'map'),
    'application/zip': ('zip',), 'application/gzip': ('gz',), 'video/mp4': ('mp4', 'mp4v', 'mpg4'),
    'video/webm': ('webm',), 'video/quicktime': ('qt', 'mov'), 'video/ogg': ('ogv',),
    'video/mpeg': ('mpeg', 'mpg', 'mpe', 'm1v', 'm2v'),
    'audio/mpeg': ('mpga', 'mp2', 'mp2a', 'mp3', 'm2a', 'm3a'), 'audio/mp3': ('mp3',),
    'audio/mp4': ('m4a', 'mp4a', 'm4b'), 'audio/wav': ('wav',), 'audio/ogg': ('oga', 'ogg', 'spx', 'opus'),
    'audio/webm': ('weba',), 'audio/aac': ('adts', 'aac'), 'application/msword': ('doc', 'dot'),
    'application/rtf': ('rtf',), 'application/epub+zip': ('epub',), 'application/wasm': ('wasm',),
    'text/calendar': ('ics', 'ifb'), 'font/woff': ('woff',), 'font/woff2': ('woff2',),
    'text/html': ('html', 'htm', 'shtml'), 'application/xml': ('xml', 'xsl', 'xsd', 'rng'),
    'text/xml': ('xml',), 'application/javascript': ('js',), 'text/javascript': ('js', 'mjs'),
}  # fmt: skip


def _extension_for(essence: str) -> str:
    known = _EXTENSIONS.get(essence)
    return f'.{known[0]}' if known else ''


# Python's own table only (a fresh MimeTypes reads no /etc/mime.types): the same answers on
# every machine.
_PYTHON_TYPES = mimetypes.MimeTypes()


def _types_by_extension() -> Dict[str, str]:
    """The type each extension of the table names, the first type listing it winning (`mp3` is
    audio/mpeg, as upkit/server's mime/lite says)."""
    named: Dict[str, str] = {}
    for essence, extensions in _EXTENSIONS.items():
        for extension in extensions:
            named.setdefault(extension, essence)
    return named


_TYPE_OF_EXTENSION = _types_by_extension()


def _is_known_type(essence: str) -> bool:
    """Whether the type is known by name: it has an extension here or in Python's table."""
    return essence in _EXTENSIONS or bool(_PYTHON_TYPES.guess_all_extensions(essence, strict=True))


def _type_named_by(extension: str) -> Optional[str]:
    """The type an extension (`png`, no dot) names, if any."""
    if extension in _TYPE_OF_EXTENSION:
        return _TYPE_OF_EXTENSION[extension]
    named, encoding = _PYTHON_TYPES.guess_type(f'file.{extension}', strict=True)
    # `tgz` is "x-tar, gzip-encoded": its bytes are gzip, and would be refused as x-tar.
    return named if encoding is None else None


def _is_passive_type(essence: str) -> bool:
    """Types a browser shows without running anything, served inline by default. Only types
    known by name: a wildcard admits `image/html` or `image/x-anything` too, which no browser
    renders as an image and some may sniff; those are downloads."""
    if is_active_type(essence) or not _is_known_type(essence):
        return False
    top = essence.split('/', 1)[0]
    return top in ('image', 'audio', 'video') or essence in ('application/pdf', 'text/plain')


@dataclass(frozen=True)
class _StoredType:
    content_type: str
    extension: str


def _parse_allowed(allowed: Union[str, Sequence[str], None]) -> Tuple[str, ...]:
    tokens = allowed.split(',') if isinstance(allowed, str) else list(allowed or [])
    return tuple(token.strip().lower() for token in tokens if token.strip())


def _resolve_stored_type(essence: str, file_name: str, allowed: Sequence[str]) -> Optional[_StoredType]:
    """The type to store, or `None` when `allowed` does not admit the declared type.

    Wildcards (`*`, `*/*`, `type/*`) and `.ext` tokens never admit active types: those must be
    named exactly. An `.ext` token admits a type whose known extensions include it; a type with
    no known extension is admitted by the file name's ending, and its key gets the token; the
    file is then the token's own type when that names one and it is not active.
    """
    content_type = essence or GENERIC_TYPE
    extension = _extension_for(content_type)
    active = is_active_type(content_type)
    if not allowed:
        return None if active else _StoredType(content_type, extension)
    for token in allowed:
        if token == content_type:
            return _StoredType(content_type, extension)
        if active:
            continue
        if token in ('*', '*/*') or (token.endswith('/*') and content_type.startswith(token[:-1])):
            return _StoredType(content_type, extension)
        if not re.fullmatch(r'\.[a-z0-9]{1,12}', token):
            continue
        known = None if content_type == GENERIC_TYPE else _EXTENSIONS.get(content_type)
        if known and token[1:] in known:
            return _StoredType(content_type, token)
        if not known and file_name.lower().endswith(token):
            # Nothing known about the declared type: the name is all there is. A token that names
            # a type (`.png`) makes the file that type, stored and checked as it: an ELF called
            # "evil.png" is refused at `complete`, not kept as a download under `.png`. Otherwise
            # the declared type (never active) is stored, served as a download.
            named = _type_named_by(token[1:])
            if named and not is_active_type(named):
                return _StoredType(named, token)
            return _StoredType(content_type, token)
    return None


# ---------------------------------------------------------------------------------------------
# Content sniffing: the first bytes of an object against its declared type

SNIFF_BYTES = 4100
_GENERIC_TYPES = frozenset({GENERIC_TYPE, 'binary/octet-stream'})
# Declared types whose bytes must be recognised as exactly that type.
_CONFIRMED_TYPES = frozenset({
    'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'application/zip',
    'application/gzip',
})  # fmt: skip
# Declared names for the same content as a detected type.
_ALIASES = {
    'image/jpg': 'image/jpeg', 'audio/mp3': 'audio/mpeg', 'text/xml': 'application/xml',
    'audio/x-wav': 'audio/wav', 'application/x-gzip': 'application/gzip',
    'application/x-zip-compressed': 'application/zip',
}  # fmt: skip
_MACH_O = 'application/x-mach-binary'
_MAGIC: Tuple[Tuple[bytes, str], ...] = (
    (b'\x89PNG\r\n\x1a\n', 'image/png'), (b'\xff\xd8\xff', 'image/jpeg'), (b'GIF8', 'image/gif'),
    (b'%PDF', 'application/pdf'), (b'\x1f\x8b\x08', 'application/gzip'), (b'BZh', 'application/x-bzip2'),
    (b"7z\xbc\xaf'\x1c", 'application/x-7z-compressed'), (b'Rar!\x1a\x07', 'application/x-rar-compressed'),
    (b'\xfd7zXZ\x00', 'application/x-xz'), (b'\x7fELF', 'application/x-elf'),
    (b'MZ', 'application/x-msdownload'), (b'\xfe\xed\xfa\xce', _MACH_O), (b'\xfe\xed\xfa\xcf', _MACH_O),
    (b'\xce\xfa\xed\xfe', _MACH_O), (b'\xcf\xfa\xed\xfe', _MACH_O), (b'\x00asm', 'application/wasm'),
    (b'SQLite format 3\x00', 'application/x-sqlite3'), (b'ID3', 'audio/mpeg'), (b'fLaC', 'audio/x-flac'),
    (b'%!PS', 'application/postscript'),
)  # fmt: skip
_ZIP_MAGIC = (b'PK\x03\x04', b'PK\x05\x06', b'PK\x07\x08')


def _sniff(head: bytes) -> Tuple[Optional[str], bool]:
    """(detected type, whether it is a container that many declared types legitimately use)."""
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'image/webp', False
    # Containers: docx/epub/jar are zips, mp4/mov/heic/avif are ISO-BMFF, wav/avi RIFF, webm EBML.
    if head.startswith(_ZIP_MAGIC):
        return 'application/zip', True
    if head[:4] in (b'RIFF', b'OggS', b'\x1aE\xdf\xa3') or head[4:8] == b'ftyp':
        return None, True
    for magic, detected in _MAGIC:
        if head.startswith(magic):
            return detected, False
    return None, False


def _content_matches(declared: str, head: bytes) -> bool:
    """A confirmable declared type must be recognised as itself; any other type must not turn out
    to be something else recognisable (an executable sent as `text/plain`)."""
    detected, container = _sniff(head)
    if declared in _CONFIRMED_TYPES:
        return detected == declared
    if declared in _GENERIC_TYPES or detected is None or container:
        return True
    # Every +xml type (image/svg+xml, application/rss+xml) is XML, whatever a sniffer that tells
    # XML makes of its `<?xml` prolog. Such types are active: admitted only by name, attachments.
    if declared.endswith('+xml') and detected == 'application/xml':
        return True
    return _ALIASES.get(declared, declared) == detected


# ---------------------------------------------------------------------------------------------
# Upload tokens


@dataclass(frozen=True)
class _TokenClaims:
    user_id: str
    key: str
    upload_id: str  # '' for single uploads
    size: int
    part_size: int  # 0 for single uploads
    type: str
    exp: int  # epoch seconds


_DECIMAL = re.compile(r'0|[1-9][0-9]{0,15}')
_BASE64URL = re.compile(r'[A-Za-z0-9_-]*')


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


class _TokenSigner:
    """Stateless tokens `v2.<exp>.<size>.<partSize>.<base64url(type)>.<mac>`, upkit/server's format.

    The MAC is HMAC-SHA256 over user, key, uploadId, size, part size, type and expiry, so no
    database is needed to know who started an upload and what was signed. Exactly one spelling
    verifies: plain decimals, base64url without padding or stray bits, six fields.
    """

    def __init__(self, secret: Union[str, bytes]) -> None:
        raw = secret.encode('utf-8') if isinstance(secret, str) else bytes(secret)
        if len(raw) < 32:
            raise TypeError(
                'upkit_backend: `secret` must be at least 32 bytes; generate one with `openssl rand -base64 48`.'
            )
        self._secret = raw

    def _mac(self, claims: _TokenClaims) -> bytes:
        # Joined with NUL, which no field may contain, so no two claim sets share a message.
        fields = ['v2', claims.user_id, claims.key, claims.upload_id, str(claims.size),
                  str(claims.part_size), claims.type, str(claims.exp)]  # fmt: skip
        message = '\x00'.join(fields).encode('utf-8', 'surrogatepass')
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    @staticmethod
    def _prefix(claims: _TokenClaims) -> str:
        encoded_type = _b64url(claims.type.encode('utf-8'))
        return f'v2.{claims.exp}.{claims.size}.{claims.part_size}.{encoded_type}'

    def sign(self, claims: _TokenClaims) -> str:
        return f'{self._prefix(claims)}.{_b64url(self._mac(claims))}'

    def verify(
        self, token: Any, *, user_id: str, key: str, upload_id: str, now: int, allow_expired: bool = False
    ) -> _TokenClaims:
        """The claims of an authentic token for this caller and object, else 403."""
        if not isinstance(token, str) or len(token) > 2048:
            raise _forbidden()
        if any('\x00' in value for value in (user_id, key, upload_id)):
            raise _forbidden()
        fields = token.split('.')
        if len(fields) != 6 or fields[0] != 'v2':
            raise _forbidden()
        _, exp, size, part_size, encoded_type, mac = fields
        if not all(_DECIMAL.fullmatch(value) for value in (exp, size, part_size)):
            raise _forbidden()
        if not (_BASE64URL.fullmatch(encoded_type) and _BASE64URL.fullmatch(mac)):
            raise _forbidden()
        try:
            claims = _TokenClaims(user_id, key, upload_id, int(size), int(part_size),
                                  _from_b64url(encoded_type).decode('utf-8'), int(exp))  # fmt: skip
            signature = _from_b64url(mac)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise _forbidden() from None
        # Re-encoding must give the token back: no padding, no stray low bits, no other spelling.
        if f'{self._prefix(claims)}.{_b64url(signature)}' != token:
            raise _forbidden()
        if not hmac.compare_digest(signature, self._mac(claims)):
            raise _forbidden()
        if claims.exp < now and not allow_expired:
            raise _forbidden()
        return claims


# ---------------------------------------------------------------------------------------------
# Keys, completions and configuration


@dataclass(frozen=True)
class KeyContext:
    """What `object_key` is given to choose a final key."""

    user: Any
    user_id: str
    file_name: str  # the client's: untrusted, never use it raw in a key
    content_type: str  # the checked type the object is stored with
    extension: str  # '.png' or '': from the checked type, use this rather than the name's


def safe_segment(value: str) -> str:
    """A user id made safe for one key segment: unreserved characters kept, the rest %-encoded."""
    encoded = quote(value.encode('utf-8', 'surrogatepass'), safe='-_.~')
    # "." and ".." are legal URI segments but mean something else to path-like keys; encoded,
    # they stay apart from each other and from every other id ('_' once stood for both).
    return encoded.replace('.', '%2E') if encoded in ('.', '..') else encoded


def default_object_key(context: KeyContext) -> str:
    """`uploads/{user}/{uuid}{extension}`: nothing the client sent ends up in the key."""
    return f'uploads/{safe_segment(context.user_id)}/{uuid.uuid4()}{context.extension}'


@dataclass(frozen=True)
class CompletedUpload:
    """What `on_complete` is told about an object that passed verification."""

    user: Any
    user_id: str
    key: str  # the final key: the verified object is there and nothing will replace it
    size: int
    content_type: str
    content_disposition: str
    file_name: str  # the client's, for display only
    metadata: Optional[Dict[str, str]]  # the client's, untrusted
    request: Request


class CompletionStore:
    """Remembers each completion's answer (or refusal) so retries get the first answer and
    `on_complete` runs once per object. Share one (Redis, a database) between instances."""

    def get(self, key: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def set(self, key: str, value: Any, ttl_seconds: float) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class MemoryCompletionStore(CompletionStore):
    """A `CompletionStore` in process memory, bounded in entries and time."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[key]
                return None
            return entry[1]

    def set(self, key: str, value: Any, ttl_seconds: float) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + ttl_seconds, value)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)  # the oldest first


class _InFlight:
    """Concurrent `complete` calls for one upload in this process share one run."""

    def __init__(self, wait_seconds: float) -> None:
        self._lock = threading.Lock()
        self._running: Dict[str, Future] = {}
        self._wait_seconds = wait_seconds

    def is_running(self, completion_id: str) -> bool:
        with self._lock:
            return completion_id in self._running

    def run(self, completion_id: str, work: Callable[[], Any]) -> Any:
        with self._lock:
            future = self._running.get(completion_id)
            owner = future is None
            if owner:
                future = self._running[completion_id] = Future()
        assert future is not None
        if not owner:
            try:
                return future.result(timeout=self._wait_seconds)
            except FutureTimeout:
                raise _completing() from None
        try:
            result = work()
        except BaseException as error:
            future.set_exception(error)
            raise
        else:
            future.set_result(result)
            return result
        finally:
            with self._lock:
                self._running.pop(completion_id, None)


def _completing() -> HttpError:
    return HttpError(503, 'completing', 'This upload is being completed. Try again in a moment.',
                     {'Retry-After': '1'})  # fmt: skip


@dataclass(frozen=True)
class _Config:
    s3: Any
    bucket: str
    authorize: Callable[[Request], Any]
    get_user_id: Callable[[Any], str]
    tokens: _TokenSigner
    object_key: Callable[[KeyContext], str]
    pending_prefix: str
    max_file_size: int
    min_file_size: int
    allowed: Tuple[str, ...]
    attachment_only: bool
    allowed_origins: Optional[frozenset]
    expires_in: int
    token_ttl: int
    sniff: bool
    completions: CompletionStore
    in_flight: _InFlight
    max_batch_size: int
    batch_concurrency: int
    copy_part_size: int
    list_parts_page_size: Optional[int]
    on_complete: Optional[Callable[[CompletedUpload], Any]]
    now: Callable[[], float]
    native_if_none_match: bool

    def now_seconds(self) -> int:
        return int(self.now())

    def expires_at(self) -> str:
        moment = datetime.fromtimestamp(self.now() + self.expires_in, tz=timezone.utc)
        return moment.isoformat(timespec='milliseconds').replace('+00:00', 'Z')

    def disposition(self, content_type: str) -> str:
        return 'inline' if not self.attachment_only and _is_passive_type(content_type) else 'attachment'


def _default_user_id(user: Any) -> str:
    if isinstance(user, (str, int)) and not isinstance(user, bool):
        return str(user)
    user_id = user.get('id') if isinstance(user, Mapping) else getattr(user, 'id', None)
    if isinstance(user_id, (str, int)) and not isinstance(user_id, bool):
        return str(user_id)
    raise HttpError(
        500,
        'server-misconfigured',
        'The upload server cannot tell users apart: `authorize` returned a user without an `id`; pass `get_user_id`.',
    )


_PENDING_PREFIX = re.compile(r"[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/")


def _check_whole(name: str, value: Any, low: int, high: int) -> int:
    if not (isinstance(value, int) and not isinstance(value, bool) and low <= value <= high):
        raise TypeError(f'upkit_backend: `{name}` must be a whole number from {low} to {high}.')
    return value


def _check_presigner(s3: Any) -> None:
    """botocore presigns S3 with SigV2 unless SigV4 is configured; SigV2 signs no headers."""
    url = s3.generate_presigned_url('put_object', Params={'Bucket': 'upkit-check', 'Key': 'k'}, ExpiresIn=60)
    if 'X-Amz-Signature=' not in url:
        raise TypeError(
            "upkit_backend: the S3 client must presign with SigV4: create it with "
            "botocore.config.Config(signature_version='s3v4')."
        )


def _supports_if_none_match(s3: Any) -> bool:
    members = s3.meta.service_model.operation_model('CompleteMultipartUpload').input_shape.members
    return 'IfNoneMatch' in members


# Upload ids of promotions whose CompleteMultipartUpload must carry `If-None-Match: *` on a
# botocore too old to have the parameter (before 1.35): added as a header before signing.
_CONDITIONAL_UPLOADS: set = set()
_CONDITIONAL_LOCK = threading.Lock()


def _add_if_none_match(request: Any, **_: Any) -> None:
    upload_id = parse_qs(urlsplit(request.url).query).get('uploadId', [''])[0]
    with _CONDITIONAL_LOCK:
        conditional = upload_id in _CONDITIONAL_UPLOADS
    if conditional:
        request.headers['If-None-Match'] = '*'


# ---------------------------------------------------------------------------------------------
# Request input


@dataclass(frozen=True)
class _FileInput:
    name: str
    size: int
    type: str
    metadata: Optional[Dict[str, str]]


@dataclass(frozen=True)
class _Call:
    request: Request
    user: Any
    user_id: str
    body: Dict[str, Any]


def _as_int(value: Any) -> Optional[int]:
    """A JSON number that is a safe integer (5 and 5.0 alike), else `None`; never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    return None


def _read_string(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or value == '' or len(value) > 2048:
        raise _bad_request(f'"{field}" must be a non-empty string.')
    return value


# S3 keeps at most 2 KB of user metadata; `on_complete` gets it, so it is bounded alike.
MAX_METADATA_BYTES = 2048


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(',', ':')).encode('utf-8', 'surrogatepass'))


def _read_file(body: Mapping[str, Any]) -> _FileInput:
    file = body.get('file')
    if not isinstance(file, dict):
        raise _bad_request('"file" must be an object with name, size and type.')
    name, size, type_, metadata = file.get('name'), _as_int(file.get('size')), file.get('type'), file.get('metadata')
    if not isinstance(name, str) or len(name) > 1024:
        raise _bad_request('"file.name" must be a string of at most 1,024 characters.')
    if size is None or size < 0:
        raise _bad_request('"file.size" must be a non-negative integer.')
    if not isinstance(type_, str) or len(type_) > 255:
        raise _bad_request('"file.type" must be a MIME type string.')
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not all(isinstance(v, str) for v in metadata.values())
        or _json_size(metadata) > MAX_METADATA_BYTES
    ):
        raise _bad_request(f'"file.metadata" must be an object of strings, at most {MAX_METADATA_BYTES} bytes.')
    return _FileInput(name, size, type_, metadata)


def _display_name(name: str) -> str:
    """No control or bidi characters (which can make `exe.png` read `png.exe`), at most 80."""
    clean = re.sub('[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]', '', name)
    return clean if len(clean) <= 80 else clean[:79] + '\u2026'


def _format_bytes(size: int) -> str:
    units = ('B', 'kB', 'MB', 'GB', 'TB')
    value, power = float(size), 0
    while value >= 999.95 and power < len(units) - 1:
        value /= 1000
        power += 1
    return f'{size} B' if power == 0 else f'{value:.1f} {units[power]}'


def _size_message(name: str, size: int, limit: int, relation: str) -> str:
    """Sizes in decimal units, or exact bytes where rounding would make both read the same."""
    a, b = _format_bytes(size), _format_bytes(limit)
    if a == b:
        a, b = f'{size:,} bytes', f'{limit:,} bytes'
    if relation == 'max':
        return f'"{_display_name(name)}" is {a}; the limit is {b}.'
    return f'"{_display_name(name)}" is {a}; files must be at least {b}.'


def _read_checksum(body: Mapping[str, Any]) -> Optional[str]:
    if 'checksum' not in body:
        return None
    value = body['checksum']
    if not isinstance(value, str) or not SHA256_BASE64.fullmatch(value):
        raise _bad_request('"checksum" must be a base64 SHA-256 digest.')
    return value


def _read_checksums(body: Mapping[str, Any]) -> Dict[int, str]:
    given = body.get('checksums')
    if given is None and 'checksums' not in body:
        return {}
    if not isinstance(given, dict):
        raise _bad_request('"checksums" must map part numbers to base64 SHA-256 digests.')
    checksums: Dict[int, str] = {}
    for number, checksum in given.items():
        if not isinstance(checksum, str) or not SHA256_BASE64.fullmatch(checksum):
            raise _bad_request(f'"checksums.{number[:10]}" must be a base64 SHA-256 digest.')
        if re.fullmatch(r'[0-9]{1,5}', number):
            checksums[int(number)] = checksum
    return checksums


def _check_file(cfg: _Config, file: _FileInput, multipart: bool) -> _StoredType:
    """Size and type rules, checked before anything is signed."""
    limit = min(cfg.max_file_size, MAX_OBJECT_SIZE if multipart else MAX_SINGLE_SIZE)
    if file.size > limit:
        raise HttpError(413, 'file-too-large', _size_message(file.name, file.size, limit, 'max'))
    if file.size < cfg.min_file_size:
        raise HttpError(400, 'file-too-small', _size_message(file.name, file.size, cfg.min_file_size, 'min'))
    essence = '' if file.type == '' else parse_media_type(file.type)
    if essence is None:
        raise _bad_request(f'"{_display_name(file.name)}" has a malformed type; send one media type like "image/png".')
    # `*` is a token character, but a pattern is no file's type: `image/*` would be admitted by
    # the allow-list token of the same spelling and stored as such.
    if '*' in essence:
        raise _bad_request(f'"{_display_name(file.name)}" declares a pattern ({essence}) as its type; '
                           'send the file\'s own type, like "image/png".')  # fmt: skip
    stored = _resolve_stored_type(essence, file.name, cfg.allowed)
    if stored is None:
        accepted = f' Accepted: {", ".join(cfg.allowed)}.' if cfg.allowed else ''
        raise HttpError(
            415,
            'file-type-not-allowed',
            f'"{_display_name(file.name)}" ({essence or "unknown type"}) is not an accepted type.{accepted}',
        )
    return stored


def _final_key(cfg: _Config, call: _Call, file: _FileInput, stored: _StoredType) -> str:
    """The app's key, checked: the pending prefix and odd keys would break the quarantine."""
    context = KeyContext(call.user, call.user_id, file.name, stored.content_type, stored.extension)
    key = cfg.object_key(context)
    if (
        not isinstance(key, str)
        or key == ''
        or len(key.encode('utf-8', 'surrogatepass')) > 900
        or key.startswith(cfg.pending_prefix)
        or re.search('[\x00-\x1f\x7f]', key)
    ):
        raise HttpError(
            500,
            'server-misconfigured',
            'The upload server chose an unusable object key: `object_key` must return 1 to 900 bytes, '
            'without control characters, outside `pending_prefix`.',
        )
    return key


def _sign_token(cfg: _Config, call: _Call, key: str, upload_id: str, size: int, part_size: int, type_: str) -> str:
    claims = _TokenClaims(call.user_id, key, upload_id, size, part_size, type_, cfg.now_seconds() + cfg.token_ttl)
    return cfg.tokens.sign(claims)


# ---------------------------------------------------------------------------------------------
# Completion: verify the pending object, copy it to the final key, run on_complete once

# Failures of the bytes themselves (as opposed to storage being unavailable): final for an upload.
_VERIFICATION_FAILURES = frozenset({'content-mismatch', 'size-mismatch'})


@dataclass(frozen=True)
class _Completion:
    claims: _TokenClaims
    user: Any
    file_name: str
    metadata: Optional[Dict[str, str]]
    request: Request


def _completion_id(claims: _TokenClaims) -> str:
    """One upload: everything its token vouches for, so no answer reaches another upload."""
    parts = [claims.key, claims.user_id, claims.upload_id, claims.size, claims.part_size, claims.type, claims.exp]
    return '\x00'.join(str(part) for part in parts)


def _remembered_answer(cfg: _Config, claims: _TokenClaims) -> Optional[Tuple[Any]]:
    """`(answer,)` when an earlier completion answered; a remembered refusal is raised."""
    stored = cfg.completions.get(_completion_id(claims))
    if isinstance(stored, dict) and 'result' in stored:
        return (stored['result'],)
    if isinstance(stored, dict) and isinstance(stored.get('refused'), dict):
        refused = stored['refused']
        raise HttpError(refused['status'], refused['code'], refused['message'])
    return None


def _complete_once(cfg: _Config, completion: _Completion) -> Any:
    """The first answer for this upload, however often or concurrently `complete` is sent."""
    stored = _remembered_answer(cfg, completion.claims)
    if stored is not None:
        return stored[0]
    return cfg.in_flight.run(_completion_id(completion.claims), lambda: _complete(cfg, completion))


def _verify_object(cfg: _Config, pending_key: str, size: int, content_type: str) -> Optional[str]:
    """The ETag of the checked pending object; `None` when there is none. A mismatch deletes it."""
    try:
        head = cfg.s3.head_object(Bucket=cfg.bucket, Key=pending_key)
    except STORAGE_ERRORS as error:
        if _storage_status(error) == 404:
            return None
        raise _storage_unavailable() from None
    etag = head.get('ETag')
    if not etag:
        raise _storage_unavailable()
    stored_size = head.get('ContentLength')
    if stored_size != size:
        _delete_quietly(cfg.s3, cfg.bucket, pending_key)
        message = f'The uploaded file is {stored_size or 0} bytes but {size} were announced. Upload it again.'
        raise HttpError(400, 'size-mismatch', message)
    if not cfg.sniff or size == 0:
        return etag
    try:
        # If-Match: the bytes sniffed are the bytes whose size was checked.
        found = cfg.s3.get_object(Bucket=cfg.bucket, Key=pending_key, Range=f'bytes=0-{SNIFF_BYTES - 1}', IfMatch=etag)
        with found['Body'] as body:
            head_bytes = body.read(SNIFF_BYTES)
    except STORAGE_ERRORS as error:
        if _storage_status(error) == 412:
            raise _changed_meanwhile() from None
        raise _storage_unavailable() from None
    if not _content_matches(content_type, head_bytes):
        _delete_quietly(cfg.s3, cfg.bucket, pending_key)
        detected = _sniff(head_bytes)[0] or 'not recognisable'
        message = f"The file's content is {detected}, not {content_type}. It was removed."
        raise HttpError(415, 'content-mismatch', message)
    return etag


def _object_exists(cfg: _Config, key: str) -> bool:
    try:
        cfg.s3.head_object(Bucket=cfg.bucket, Key=key)
        return True
    except STORAGE_ERRORS as error:
        if _storage_status(error) == 404:
            return False
        raise _storage_unavailable() from None


def _promote(cfg: _Config, pending_key: str, claims: _TokenClaims, etag: str) -> str:
    """Copies the verified bytes to the final key: 'promoted', or 'exists' when the key is taken.

    A multipart copy, because its CompleteMultipartUpload honours `If-None-Match: *` on S3 and
    MinIO alike (MinIO ignores it on CopyObject), and UploadPartCopy insists on the verified ETag.
    Only the server's type and disposition reach the final object: nothing the uploader sent.
    """
    s3, bucket, key, size = cfg.s3, cfg.bucket, claims.key, claims.size
    created = _storage(lambda: s3.create_multipart_upload(
        Bucket=bucket, Key=key, ContentType=claims.type, ContentDisposition=cfg.disposition(claims.type)))
    upload_id = created.get('UploadId')
    if not upload_id:
        raise _storage_unavailable()
    try:
        parts = _copy_parts(cfg, pending_key, key, upload_id, size, etag)
        _complete_if_absent(cfg, key, upload_id, parts)
        return 'promoted'
    except STORAGE_ERRORS as error:
        try:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        except STORAGE_ERRORS:
            pass
        # 412 on the copy: the pending bytes are not the ones verified. On complete: the key is taken.
        if _storage_status(error) in (409, 412):
            if _object_exists(cfg, key):
                return 'exists'
            raise _changed_meanwhile() from None
        raise _storage_unavailable() from None


def _copy_parts(cfg: _Config, source: str, key: str, upload_id: str, size: int, etag: str) -> List[Dict[str, Any]]:
    # S3: at most 10,000 copy parts of at most 5 GiB; a 0-byte object is copied whole.
    part_size = max(cfg.copy_part_size, math.ceil(size / MAX_PARTS))
    count = max(1, math.ceil(size / part_size))
    parts = []
    for number in range(1, count + 1):
        start = (number - 1) * part_size
        ranged = {} if size == 0 else {'CopySourceRange': f'bytes={start}-{min(size, start + part_size) - 1}'}
        copied = cfg.s3.upload_part_copy(
            Bucket=cfg.bucket, Key=key, UploadId=upload_id, PartNumber=number,
            CopySource={'Bucket': cfg.bucket, 'Key': source}, CopySourceIfMatch=etag, **ranged,
        )  # fmt: skip
        parts.append({'PartNumber': number, 'ETag': copied.get('CopyPartResult', {}).get('ETag')})
    return parts


def _complete_if_absent(cfg: _Config, key: str, upload_id: str, parts: List[Dict[str, Any]]) -> None:
    params = {'Bucket': cfg.bucket, 'Key': key, 'UploadId': upload_id, 'MultipartUpload': {'Parts': parts}}
    if cfg.native_if_none_match:
        cfg.s3.complete_multipart_upload(IfNoneMatch='*', **params)
        return
    with _CONDITIONAL_LOCK:
        _CONDITIONAL_UPLOADS.add(upload_id)
    try:
        cfg.s3.complete_multipart_upload(**params)
    finally:
        with _CONDITIONAL_LOCK:
            _CONDITIONAL_UPLOADS.discard(upload_id)


def _final_object(cfg: _Config, claims: _TokenClaims) -> str:
    """'none', 'this' (an object that can be this upload's: its size and type) or 'other'."""
    try:
        head = cfg.s3.head_object(Bucket=cfg.bucket, Key=claims.key)
    except STORAGE_ERRORS as error:
        if _storage_status(error) == 404:
            return 'none'
        raise _storage_unavailable() from None
    return 'this' if head.get('ContentLength') == claims.size and head.get('ContentType') == claims.type else 'other'


def _has_outcome(cfg: _Config, claims: _TokenClaims) -> bool:
    """Whether an answer or a refusal is remembered for the upload, or it is completing here."""
    completion_id = _completion_id(claims)
    return cfg.in_flight.is_running(completion_id) or cfg.completions.get(completion_id) is not None


def _complete(cfg: _Config, completion: _Completion) -> Any:
    claims = completion.claims
    stored = _remembered_answer(cfg, claims)  # a run that ended just before this one started
    if stored is not None:
        return stored[0]
    key, pending_key, completion_id = claims.key, cfg.pending_prefix + claims.key, _completion_id(claims)
    fallback = {'key': key, 'size': claims.size, 'contentType': claims.type}
    ttl = max(60, claims.exp - cfg.now_seconds())  # retries may come while the token is valid

    def remember_refusal(error: HttpError) -> None:
        refusal = {'status': error.status, 'code': error.code, 'message': error.message}
        cfg.completions.set(completion_id, {'refused': refusal}, ttl)

    try:
        etag = _verify_object(cfg, pending_key, claims.size, claims.type)
        outcome = _promote(cfg, pending_key, claims, etag) if etag else None
    except HttpError as error:
        if error.code in _VERIFICATION_FAILURES:
            remember_refusal(error)
        raise
    if outcome is None:
        # Nothing waiting: completed by another instance (whose answer is not shared), or never uploaded.
        if _final_object(cfg, claims) == 'this':
            return fallback
        raise HttpError(404, 'not-found', 'No uploaded file was found. Upload it again.')
    if outcome == 'exists':
        # Completed before (the pending object is a later PUT, never copied), or by another instance.
        stored = _remembered_answer(cfg, claims)
        if stored is not None:
            return stored[0]
        if _final_object(cfg, claims) == 'other':
            raise HttpError(409, 'key-taken', 'Another file is already stored under this key; '
                            'the upload server must choose a new key for every upload.')  # fmt: skip
        raise _completing()
    result = _run_on_complete(cfg, completion, fallback, remember_refusal)
    cfg.completions.set(completion_id, {'result': result}, ttl)
    _delete_quietly(cfg.s3, cfg.bucket, pending_key)
    return result


def _run_on_complete(
    cfg: _Config, completion: _Completion, fallback: Dict[str, Any], remember_refusal: Callable[[HttpError], None]
) -> Any:
    claims = completion.claims
    upload = CompletedUpload(
        user=completion.user, user_id=claims.user_id, key=claims.key, size=claims.size,
        content_type=claims.type, content_disposition=cfg.disposition(claims.type),
        file_name=completion.file_name, metadata=completion.metadata, request=completion.request,
    )  # fmt: skip
    try:
        result = cfg.on_complete(upload) if cfg.on_complete else None
        result = fallback if result is None else result
        json.dumps(result)  # the answer is stored and sent: it must be JSON
        return result
    except Exception as error:
        # The app did not take the object: take it back. An HttpError under 500 refuses the file
        # for good, like a failed verification; anything else keeps the pending bytes for a retry.
        _delete_quietly(cfg.s3, cfg.bucket, claims.key)
        if isinstance(error, HttpError) and error.status < 500:
            _delete_quietly(cfg.s3, cfg.bucket, cfg.pending_prefix + claims.key)
            remember_refusal(error)
        raise


def _completion_of(call: _Call, claims: _TokenClaims) -> _Completion:
    # `file` is optional here: only its name and metadata are used, both untrusted.
    name, metadata = '', None
    if isinstance(call.body.get('file'), dict):
        file = _read_file(call.body)
        name, metadata = file.name, file.metadata
    return _Completion(claims, call.user, name, metadata, call.request)


# ---------------------------------------------------------------------------------------------
# Single uploads: presign, complete


def _presign(cfg: _Config, call: _Call) -> Any:
    """A URL for one PUT of exactly the declared size and checked type, to the pending key."""
    file = _read_file(call.body)
    stored = _check_file(cfg, file, multipart=False)
    _check_resign(call)
    key = _final_key(cfg, call, file, stored)
    checksum = _read_checksum(call.body)
    disposition = cfg.disposition(stored.content_type)
    # Type, disposition and length (and the client's SHA-256) are signed headers: storage
    # refuses a PUT that changes or leaves out any of them.
    params: Dict[str, Any] = {
        'Bucket': cfg.bucket, 'Key': cfg.pending_prefix + key, 'ContentType': stored.content_type,
        'ContentDisposition': disposition, 'ContentLength': file.size,
    }  # fmt: skip
    headers = {'Content-Type': stored.content_type, 'Content-Disposition': disposition}
    if checksum:
        params['ChecksumSHA256'] = checksum
        headers[CHECKSUM_HEADER] = checksum
    url = _storage(lambda: cfg.s3.generate_presigned_url('put_object', Params=params, ExpiresIn=cfg.expires_in))
    token = _sign_token(cfg, call, key, '', file.size, 0, stored.content_type)
    return {'url': url, 'method': 'PUT', 'headers': headers, 'key': key, 'expiresAt': cfg.expires_at(), 'token': token}


def _check_resign(call: _Call) -> None:
    """`resign` (a file's earlier key and token, sent when its URL expired) earns a new key, as a
    plain presign does: a key is never signed for a second PUT. Reusing it only spared a stray
    pending object (the lifecycle rule's job), and whether its upload was settled cannot be known
    for sure (an outcome forgotten after a restart, an object the app deleted since)."""
    resign = call.body.get('resign')
    if resign is not None and (not isinstance(resign, dict) or not isinstance(resign.get('key'), str)):
        raise _bad_request('"resign" must be { "key": string, "token": string } from an earlier presign answer.')


def _complete_single(cfg: _Config, call: _Call) -> Any:
    key = _read_string(call.body, 'key')
    claims = cfg.tokens.verify(call.body.get('token'), user_id=call.user_id, key=key, upload_id='',
                               now=cfg.now_seconds())  # fmt: skip
    if claims.part_size != 0:
        raise _forbidden()
    return _complete_once(cfg, _completion_of(call, claims))


# ---------------------------------------------------------------------------------------------
# Multipart uploads: create, sign-parts, list-parts, complete, abort


def choose_part_size(file_size: int, wished: Optional[int] = None) -> int:
    """The client's wish, raised to 5 MiB, grown in whole MiB to need at most 10,000 parts, at most 5 GiB."""
    floor = max(wished if wished is not None else DEFAULT_PART_SIZE, MIN_PART_SIZE)
    needed = math.ceil(file_size / MAX_PARTS)
    return min(max(floor, math.ceil(needed / MiB) * MiB), MAX_PART_SIZE)


def _create_multipart(cfg: _Config, call: _Call) -> Any:
    """An upload at the pending key, with the part size the server will sign bound into the token."""
    file = _read_file(call.body)
    stored = _check_file(cfg, file, multipart=True)
    part_size = choose_part_size(file.size, _as_int(call.body.get('partSize')))
    # The client hashes each part; storage then refuses a part whose bytes differ.
    checksummed = call.body.get('checksumAlgorithm') == 'SHA256'
    key = _final_key(cfg, call, file, stored)
    # Parts carry no type: the object's type and disposition are set here.
    params: Dict[str, Any] = {
        'Bucket': cfg.bucket, 'Key': cfg.pending_prefix + key, 'ContentType': stored.content_type,
        'ContentDisposition': cfg.disposition(stored.content_type),
    }  # fmt: skip
    if checksummed:
        params['ChecksumAlgorithm'] = 'SHA256'
    created = _storage(lambda: cfg.s3.create_multipart_upload(**params))
    upload_id = created.get('UploadId')
    if not isinstance(upload_id, str) or not upload_id:
        raise _storage_unavailable()
    token = _sign_token(cfg, call, key, upload_id, file.size, part_size, stored.content_type)
    answer = {'uploadId': upload_id, 'key': key, 'token': token, 'partSize': part_size}
    return {**answer, 'checksumAlgorithm': 'SHA256'} if checksummed else answer


@dataclass(frozen=True)
class _Session:
    key: str
    pending_key: str
    upload_id: str
    claims: _TokenClaims


def _session(cfg: _Config, call: _Call, allow_expired: bool = False) -> _Session:
    key = _read_string(call.body, 'key')
    upload_id = _read_string(call.body, 'uploadId')
    claims = cfg.tokens.verify(call.body.get('token'), user_id=call.user_id, key=key, upload_id=upload_id,
                               now=cfg.now_seconds(), allow_expired=allow_expired)  # fmt: skip
    if claims.part_size <= 0:
        raise _forbidden()
    return _Session(key, cfg.pending_prefix + key, upload_id, claims)


def _part_count(claims: _TokenClaims) -> int:
    """How many parts the file is made of, with the part size bound into its token."""
    return max(1, math.ceil(claims.size / claims.part_size))


def _read_part_numbers(given: Any, count: int) -> List[int]:
    numbers = [_as_int(n) for n in given] if isinstance(given, list) else []
    if not 1 <= len(numbers) <= MAX_SIGN_PARTS or not all(n is not None and 1 <= n <= count for n in numbers):
        raise _bad_request(f'"partNumbers" must be 1 to {MAX_SIGN_PARTS} integers between 1 and {count}.')
    return [n for n in numbers if n is not None]


def _sign_parts(cfg: _Config, call: _Call) -> Any:
    """Part URLs that each sign their part's exact length, so no part number can park more
    than its share, and none beyond ceil(size / partSize)."""
    session = _session(cfg, call)
    size, part_size, count = session.claims.size, session.claims.part_size, _part_count(session.claims)
    numbers = _read_part_numbers(call.body.get('partNumbers'), count)
    checksums = _read_checksums(call.body)
    parts = []
    for number in dict.fromkeys(numbers):  # each once, in the order asked
        length = part_size if number < count else size - (count - 1) * part_size
        params: Dict[str, Any] = {
            'Bucket': cfg.bucket, 'Key': session.pending_key, 'UploadId': session.upload_id,
            'PartNumber': number, 'ContentLength': length,
        }  # fmt: skip
        checksum = checksums.get(number)
        if checksum:
            # A signed header, not a query parameter: storage checks the body against a header.
            params['ChecksumSHA256'] = checksum
        url = _storage(lambda: cfg.s3.generate_presigned_url('upload_part', Params=params, ExpiresIn=cfg.expires_in))
        entry: Dict[str, Any] = {'partNumber': number, 'url': url, 'expiresAt': cfg.expires_at()}
        if checksum:
            entry['headers'] = {CHECKSUM_HEADER: checksum}
        parts.append(entry)
    return {'parts': parts}


def _list_parts(cfg: _Config, call: _Call) -> Any:
    """Every part storage holds, across ListParts pages (S3: 1,000 a page, 10,000 parts at most)."""
    session = _session(cfg, call)
    parts: List[Dict[str, Any]] = []
    marker: Optional[int] = None
    # Bounded: every page but the last holds at least one part, and an upload has at most 10,000.
    for _page in range(MAX_PARTS + 1):
        params: Dict[str, Any] = {'Bucket': cfg.bucket, 'Key': session.pending_key, 'UploadId': session.upload_id}
        if marker is not None:
            params['PartNumberMarker'] = marker
        if cfg.list_parts_page_size:
            params['MaxParts'] = cfg.list_parts_page_size
        listed = _storage(lambda: cfg.s3.list_parts(**params))
        for part in listed.get('Parts', []):
            if part.get('PartNumber') and part.get('ETag'):
                entry = {'partNumber': part['PartNumber'], 'etag': part['ETag']}
                if part.get('Size') is not None:
                    entry['size'] = part['Size']
                if part.get('ChecksumSHA256'):
                    entry['checksum'] = part['ChecksumSHA256']
                parts.append(entry)
        if not listed.get('IsTruncated') or not listed.get('NextPartNumberMarker') or not listed.get('Parts'):
            break
        marker = listed['NextPartNumberMarker']
    return {'parts': parts}


def _read_parts(body: Mapping[str, Any], count: int) -> List[Dict[str, Any]]:
    """Exactly parts 1 to `count`, each once, sorted: storage would assemble a list with a part
    twice (MinIO does) into an object of the right size holding the wrong bytes."""
    parts = body.get('parts')
    if not isinstance(parts, list) or not 1 <= len(parts) <= MAX_PARTS:
        raise _bad_request('"parts" must list { partNumber, etag, checksum? } for every part.')
    read = []
    for part in parts:
        number = _as_int(part.get('partNumber')) if isinstance(part, dict) else None
        if number is None or not isinstance(part.get('etag'), str) or len(part['etag']) > 128:
            raise _bad_request('"parts" must list { partNumber, etag, checksum? } for every part.')
        entry = {'PartNumber': number, 'ETag': part['etag']}
        checksum = part.get('checksum')
        if checksum is not None:
            if not isinstance(checksum, str) or not SHA256_BASE64.fullmatch(checksum):
                raise _bad_request('"parts[].checksum" must be a base64 SHA-256 digest.')
            entry['ChecksumSHA256'] = checksum
        read.append(entry)
    read.sort(key=lambda entry: entry['PartNumber'])
    if [entry['PartNumber'] for entry in read] != list(range(1, count + 1)):
        raise HttpError(400, 'invalid-part', f'This file is {count} part{"" if count == 1 else "s"}: list parts 1 '
                        f'to {count}, each once. Upload the missing parts and complete again.')  # fmt: skip
    return read


def _complete_multipart(cfg: _Config, call: _Call) -> Any:
    """Assemble the parts at the pending key, then verify and promote as `complete` does."""
    session = _session(cfg, call)
    stored = _remembered_answer(cfg, session.claims)
    if stored is not None:
        return stored[0]
    parts = _read_parts(call.body, _part_count(session.claims))
    try:
        cfg.s3.complete_multipart_upload(Bucket=cfg.bucket, Key=session.pending_key, UploadId=session.upload_id,
                                         MultipartUpload={'Parts': parts})  # fmt: skip
    except STORAGE_ERRORS as error:
        code = _storage_code(error)
        if code in ('InvalidPart', 'InvalidPartOrder', 'EntityTooSmall'):
            # The client lists the parts storage holds, sends the others again and completes.
            raise HttpError(400, 'invalid-part', 'Storage refused the parts of this upload '
                            '(missing, reordered or too small). Upload it again.') from None  # fmt: skip
        # NoSuchUpload: an earlier attempt assembled them; the pending object tells what happened next.
        if code != 'NoSuchUpload':
            raise _storage_unavailable() from None
    return _complete_once(cfg, _completion_of(call, session.claims))


def _abort_multipart(cfg: _Config, call: _Call) -> None:
    """Accepted with an expired (authentic) token, so an owner can always clean up. An upload
    that already has an outcome (completed, or refused) has nothing left to abort: 204, and
    storage is not asked."""
    session = _session(cfg, call, allow_expired=True)
    if _has_outcome(cfg, session.claims):
        return None
    try:
        cfg.s3.abort_multipart_upload(Bucket=cfg.bucket, Key=session.pending_key, UploadId=session.upload_id)
    except STORAGE_ERRORS as error:
        if _storage_code(error) != 'NoSuchUpload':  # already gone is as good as aborted
            raise _storage_unavailable() from None
    return None


# ---------------------------------------------------------------------------------------------
# Batches: presign/batch, complete/batch


Operation = Callable[[_Config, _Call], Any]


def _batch_of(field: str, run: Operation) -> Operation:
    """Each entry is a one-file body and gets exactly that call's answer, as `{status, body}`, in
    order. One entry's failure never fails another; `batch_concurrency` entries run at once."""

    def batch(cfg: _Config, call: _Call) -> Any:
        entries = call.body.get(field)
        if not isinstance(entries, list) or not entries:
            raise _bad_request(f'"{field}" must be a non-empty array of request bodies.')
        if len(entries) > cfg.max_batch_size:
            raise HttpError(413, 'batch-too-large', f'A batch holds at most {cfg.max_batch_size} files; '
                            f'this one has {len(entries)}. Send the others in another batch.')  # fmt: skip

        def one(entry: Any) -> Dict[str, Any]:
            try:
                if not isinstance(entry, dict):
                    raise _bad_request('The request body must be a JSON object.')
                if _json_size(entry) > SINGLE_BODY_BYTES:
                    raise _too_large()
                value = run(cfg, replace(call, body=entry))
                return {'status': 204, 'body': None} if value is None else {'status': 200, 'body': value}
            except HttpError as error:
                return _batch_refusal(error)
            except Exception:
                log.exception('upkit_backend: a batch entry failed unexpectedly')
                return _batch_refusal(_server_error())

        return {'results': _map_bounded(entries, cfg.batch_concurrency, one)}

    return batch


def _batch_refusal(error: HttpError) -> Dict[str, Any]:
    result: Dict[str, Any] = {'status': error.status, 'body': error.body()}
    retry_after = error.headers.get('Retry-After', '')
    if error.status in (429, 503) and retry_after.isdigit():
        result['retryAfter'] = int(retry_after)
    return result


def _map_bounded(items: List[Any], concurrency: int, work: Callable[[Any], T]) -> List[T]:
    """`work` over `items` in order, at most `concurrency` at a time, each in the request's context."""
    if concurrency <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        futures = [pool.submit(copy_current_request_context(lambda item=item: work(item))) for item in items]
        return [future.result() for future in futures]


# ---------------------------------------------------------------------------------------------
# The HTTP surface


_OPERATIONS: Dict[str, Tuple[Operation, int]] = {
    'presign': (_presign, SINGLE_BODY_BYTES),
    'complete': (_complete_single, SINGLE_BODY_BYTES),
    'presign/batch': (_batch_of('files', _presign), LARGE_BODY_BYTES),
    'complete/batch': (_batch_of('uploads', _complete_single), LARGE_BODY_BYTES),
    'multipart/create': (_create_multipart, SINGLE_BODY_BYTES),
    'multipart/sign-parts': (_sign_parts, SINGLE_BODY_BYTES),
    'multipart/list-parts': (_list_parts, SINGLE_BODY_BYTES),
    'multipart/complete': (_complete_multipart, LARGE_BODY_BYTES),
    'multipart/abort': (_abort_multipart, SINGLE_BODY_BYTES),
}


def _json_response(body: Any, status: int = 200, headers: Optional[Mapping[str, str]] = None) -> Response:
    # no-store: signed URLs must never sit in a cache.
    response = Response(json.dumps(body), status=status, mimetype='application/json')
    response.headers['Cache-Control'] = 'no-store'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _empty_response() -> Response:
    response = Response(status=204)
    response.headers.pop('Content-Type', None)
    response.headers['Cache-Control'] = 'no-store'
    return response


def _route(req: Request, operation: str) -> Tuple[Operation, int]:
    raw_path = str(req.environ.get('RAW_URI') or req.environ.get('REQUEST_URI') or '').split('?', 1)[0]
    found = _OPERATIONS.get(operation.rstrip('/'))
    # An encoded slash (`multipart%2Fcreate`) names no endpoint, though WSGI decodes it.
    if found is None or '%2f' in raw_path.lower():
        raise HttpError(404, 'not-found', 'Unknown upload endpoint.')
    return found


def _assert_json_request(req: Request) -> None:
    """A cross-site form can POST text/plain, urlencoded or multipart bodies without a CORS
    preflight, never JSON: anything else is refused before the user is even looked up."""
    types = req.headers.getlist('Content-Type')
    if len(types) != 1 or parse_media_type(types[0]) != 'application/json':
        raise HttpError(415, 'unsupported-media-type',
                        'Upload control calls must be sent as JSON (Content-Type: application/json).')  # fmt: skip


def _reject_constant(name: str) -> Any:
    raise ValueError(f'{name} is not JSON')


# Deepest nesting of arrays and objects a control call may have; the protocol's nest five deep.
MAX_JSON_DEPTH = 32
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b'[]{}')


def _nests_deeper_than(data: bytes, limit: int) -> bool:
    """Whether the JSON text's arrays and objects (outside strings) nest deeper than `limit`.

    Byte operations, not a loop over every byte: escaped backslashes, then escaped quotes, go
    first, so every quote left delimits a string; what lies between the strings is kept, and only
    its brackets are counted. Exact for any JSON text; anything else json.loads refuses anyway.
    """
    unescaped = data.replace(b'\\\\', b'').replace(b'\\"', b'')
    depth = 0
    for byte in b''.join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b'[{' else -1
        if depth > limit:
            return True
    return False


def _read_json_body(req: Request, max_bytes: int) -> Dict[str, Any]:
    """A JSON object within its cap; a declared Content-Length over the cap is refused unread."""
    if req.content_length is not None and req.content_length > max_bytes:
        raise _too_large()
    try:
        data = req.stream.read(max_bytes + 1)
    except Exception:
        raise HttpError(400, 'bad-request', 'The request body could not be read.') from None
    if len(data) > max_bytes:
        raise _too_large()
    # Before json.loads, whose recursion a body nested thousands deep exhausts; every operation
    # then only meets shallow values (json.dumps of an entry or its metadata recurses too).
    if _nests_deeper_than(data, MAX_JSON_DEPTH):
        raise _bad_request(f'The request body nests deeper than {MAX_JSON_DEPTH} levels; upload calls never do.')
    try:
        body = json.loads(data.decode('utf-8'), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad_request('The request body must be JSON.') from None
    if not isinstance(body, dict):
        raise _bad_request('The request body must be a JSON object.')
    return body


# The protocol versions this backend speaks (docs/protocol.md, Versions). A call without
# `protocol` comes from a client older than the field, which spoke version 1.
PROTOCOL = 1
MIN_PROTOCOL = 1


def _check_protocol(body: Dict[str, Any]) -> None:
    version = body.get('protocol', 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise _bad_request('"protocol" must be an integer (docs/protocol.md).')
    if version < MIN_PROTOCOL:
        raise HttpError(400, 'protocol-too-old',
                        f"This page's upload client is too old for the server (protocol {version}; the server "
                        f'needs {MIN_PROTOCOL} to {PROTOCOL}). Reload the page; if it persists, the app must upgrade upkit.')  # fmt: skip
    if version > PROTOCOL:
        raise HttpError(400, 'protocol-too-new',
                        f"This page's upload client is newer than the server (protocol {version}; the server "
                        f'speaks {MIN_PROTOCOL} to {PROTOCOL}). The app must upgrade its upload backend.')  # fmt: skip


# A surrogate code point is no character (a split pair or a lone half): it has no UTF-8.
_SURROGATE = re.compile(r'[\ud800-\udfff]')


def _checked_user_id(user_id: Any) -> str:
    """The user id keys, tokens and answers are made from: a non-empty, well-formed string. Anything
    else is the app's bug, and users must not end up sharing one id (`uploads/None/`)."""
    # A database's integer id, as `get_user_id` apps wrote before ids were checked.
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        return str(user_id)
    if isinstance(user_id, str) and 0 < len(user_id) <= 1024 and not _SURROGATE.search(user_id):
        return user_id
    raise HttpError(
        500,
        'server-misconfigured',
        'The upload server cannot tell users apart: the user id must be an integer or a non-empty string '
        'of at most 1,024 characters (see `get_user_id`).',
    )


def _authorized_user(cfg: _Config, req: Request) -> Tuple[Any, str]:
    user = cfg.authorize(req)
    # An empty string too: an `authorize` that returns a header's value gets '' without one.
    if user is None or user is False or (isinstance(user, str) and user == ''):
        raise HttpError(401, 'unauthorized', 'Sign in to upload files.')
    return user, _checked_user_id(cfg.get_user_id(user))


def _serve(cfg: _Config, req: Request, operation: str) -> Any:
    """Checks cheapest first: path, method, Origin, content type, sign-in, body, then the operation."""
    run, max_bytes = _route(req, operation)
    if req.method != 'POST':
        raise HttpError(405, 'method-not-allowed', 'Use POST.', {'Allow': 'POST'})
    origin = req.headers.get('Origin')
    if cfg.allowed_origins is not None and origin is not None and origin not in cfg.allowed_origins:
        raise HttpError(403, 'forbidden-origin', 'Uploads are not accepted from this site.')
    _assert_json_request(req)
    user, user_id = _authorized_user(cfg, req)
    body = _read_json_body(req, max_bytes)
    _check_protocol(body)
    return run(cfg, _Call(req, user, user_id, body))


def _respond(cfg: _Config, req: Request, operation: str) -> Response:
    """Never raises: every failure is a JSON answer with the protocol's status."""
    try:
        result = _serve(cfg, req, operation)
        return _empty_response() if result is None else _json_response(result)
    except HttpError as error:
        return _json_response(error.body(), error.status, error.headers)
    except Exception:
        log.exception('upkit_backend: an upload call failed unexpectedly')
        error = _server_error()
        return _json_response(error.body(), error.status)


def create_upload_blueprint(
    s3_client: Any,
    bucket: str,
    secret: Union[str, bytes],
    authorize: Callable[[Request], Any],
    *,
    name: str = 'upkit_upload',
    get_user_id: Optional[Callable[[Any], str]] = None,
    object_key: Optional[Callable[[KeyContext], str]] = None,
    pending_prefix: str = 'pending/',
    max_file_size: int = GiB,
    min_file_size: int = 0,
    allowed_types: Union[str, Sequence[str], None] = None,
    content_disposition: str = 'auto',
    allowed_origins: Optional[Sequence[str]] = None,
    expires_in: int = 900,
    upload_token_ttl: int = 7 * 24 * 3600,
    sniff_content: bool = True,
    completions: Optional[CompletionStore] = None,
    max_batch_size: int = 100,
    batch_concurrency: int = 4,
    copy_part_size: int = 5 * GiB,
    list_parts_page_size: Optional[int] = None,
    on_complete: Optional[Callable[[CompletedUpload], Any]] = None,
    now: Callable[[], float] = time.time,
) -> Blueprint:
    """A blueprint answering the nine endpoints of docs/protocol.md under its `url_prefix`.

    Args:
        s3_client: a boto3 S3 client configured with `Config(signature_version='s3v4')` (and
            `s3={'addressing_style': 'path'}` for MinIO); its endpoint must be the address
            browsers reach, since the signature covers the host.
        bucket: where objects go, pending and final.
        secret: signs upload tokens; at least 32 bytes, the same on every instance.
        authorize: `(request) -> user or None`; None (or False, or '') answers 401. Runs on every call.
        name: the blueprint's name (register it twice under two names for two prefixes).
        get_user_id: the user's stable id, a non-empty string of at most 1,024 characters
            (anything else answers 500). Default: the user itself when a str or int, else its
            `id` (mapping key or attribute).
        object_key: `(KeyContext) -> str`, a fresh final key per upload. Default
            `uploads/{user}/{uuid}{extension}`, the extension from the checked type.
        pending_prefix: where bytes wait until `complete` verified them (default 'pending/').
            Keep it private and give it a lifecycle rule that expires objects after a day.
        max_file_size: largest declared size in bytes (default 1 GiB; single PUTs also 5 GiB).
        min_file_size: smallest declared size in bytes (default 0).
        allowed_types: like `<input accept>`: MIME types, `type/*`, `*`, `.ext`; a string is
            split on commas. Default: any type but active content (HTML, SVG, XML, scripts),
            which a wildcard never admits; name one exactly to allow it (stored as attachment).
        content_disposition: 'auto' (inline for images but SVG, audio, video, PDF, plain text,
            each a type known by name; attachment otherwise) or 'attachment' for every object.
        allowed_origins: exact origins allowed to call from a browser; another `Origin` gets 403.
        expires_in: presigned URL lifetime in seconds, 1 to 3600 (default 900).
        upload_token_ttl: token lifetime in seconds, the multipart resume window (default 7 days).
        sniff_content: check each object's first bytes against its type (default True).
        completions: where answers are remembered (default: per process, 10,000 entries).
        max_batch_size: most entries per batch call, 1 to 100 (default 100).
        batch_concurrency: batch entries run at once (default 4).
        copy_part_size: bytes per UploadPartCopy when promoting, 5 MiB to 5 GiB (default 5 GiB).
        list_parts_page_size: MaxParts per ListParts page (default: storage's, 1,000 on S3).
        on_complete: `(CompletedUpload) -> JSON value`, run once per verified object; its
            answer (default `{key, size, contentType}`) answers `complete` and every retry.
        now: clock in epoch seconds, for tests.
    """
    if not callable(authorize):
        raise TypeError('upkit_backend: `authorize` is required; return the signed-in user or None.')
    plain_prefix = isinstance(pending_prefix, str) and _PENDING_PREFIX.fullmatch(pending_prefix)
    if not plain_prefix or len(pending_prefix) > 100:
        raise TypeError(
            'upkit_backend: `pending_prefix` must be a plain key prefix of at most 100 characters ending in "/".'
        )
    if content_disposition not in ('auto', 'attachment'):
        raise TypeError("upkit_backend: `content_disposition` must be 'auto' or 'attachment'.")
    _check_presigner(s3_client)
    native_if_none_match = _supports_if_none_match(s3_client)
    if not native_if_none_match:
        s3_client.meta.events.register('before-sign.s3.CompleteMultipartUpload', _add_if_none_match,
                                       unique_id='upkit-if-none-match')  # fmt: skip
    cfg = _Config(
        s3=s3_client,
        bucket=bucket,
        authorize=authorize,
        get_user_id=get_user_id or _default_user_id,
        tokens=_TokenSigner(secret),
        object_key=object_key or default_object_key,
        pending_prefix=pending_prefix,
        max_file_size=_check_whole('max_file_size', max_file_size, 0, MAX_OBJECT_SIZE),
        min_file_size=_check_whole('min_file_size', min_file_size, 0, MAX_OBJECT_SIZE),
        allowed=_parse_allowed(allowed_types),
        attachment_only=content_disposition == 'attachment',
        allowed_origins=frozenset(allowed_origins) if allowed_origins is not None else None,
        expires_in=_check_whole('expires_in', expires_in, 1, 3600),
        token_ttl=_check_whole('upload_token_ttl', upload_token_ttl, 1, 366 * 24 * 3600),
        sniff=bool(sniff_content),
        completions=completions or MemoryCompletionStore(),
        in_flight=_InFlight(wait_seconds=120),
        max_batch_size=_check_whole('max_batch_size', max_batch_size, 1, 100),
        batch_concurrency=_check_whole('batch_concurrency', batch_concurrency, 1, 64),
        copy_part_size=_check_whole('copy_part_size', copy_part_size, MIN_PART_SIZE, MAX_PART_SIZE),
        list_parts_page_size=None if list_parts_page_size is None
        else _check_whole('list_parts_page_size', list_parts_page_size, 1, 1000),
        on_complete=on_complete,
        now=now,
        native_if_none_match=native_if_none_match,
    )
    return _blueprint(cfg, name)


def _blueprint(cfg: _Config, name: str) -> Blueprint:
    blueprint = Blueprint(name, __name__)

    def view(operation: str = '') -> Response:
        return _respond(cfg, flask_request._get_current_object(), operation)  # type: ignore[attr-defined]

    def register(state: Any) -> None:
        # Rules added to the map directly, with `methods=None`, so that every method reaches the
        # view and gets the protocol's JSON 405 (Flask's own routes would answer HTML).
        prefix = (state.url_prefix or '').rstrip('/')
        endpoint = f'{state.name_prefix}.{state.name}.upload'.lstrip('.')
        for rule in (f'{prefix}/', f'{prefix}/<path:operation>'):
            state.app.url_map.add(state.app.url_rule_class(rule, endpoint=endpoint, methods=None, strict_slashes=False))
        state.app.view_functions[endpoint] = view

    blueprint.record(register)
    return blueprint
