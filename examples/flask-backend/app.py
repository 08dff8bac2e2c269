"""A runnable upkit backend: the upload blueprint under /api/upload, on 127.0.0.1 only.

    python3 app.py --port 8080 --s3-endpoint http://127.0.0.1:9000 --bucket uploads

Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the flags of the same
name). When ready it prints one line, `upkit flask backend listening on <base URL>`.

Demo sign-in only: `Authorization: Bearer <user>` or `x-user: <user>` names the user, with no
password. Replace `demo_authorize` with your session check before this faces anyone.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import signal
import sys
from typing import Any, Dict, List, Optional

import boto3
from botocore.config import Config
from flask import Flask, Request
from werkzeug.serving import make_server

from upkit_backend import create_upload_blueprint

BASE_PATH = '/api/upload'
_USER = re.compile(r'[A-Za-z0-9._@-]{1,64}')


def demo_authorize(request: Request) -> Optional[str]:
    """The user a request names (DEMO: no password), or None for 401."""
    bearer = re.fullmatch(r'Bearer (\S+)', request.headers.get('Authorization', ''))
    user = bearer[1] if bearer else request.headers.get('x-user', '')
    return user if _USER.fullmatch(user) else None


def create_s3_client(endpoint: Optional[str], region: str, access_key_id: Optional[str],
                     secret_access_key: Optional[str], path_style: bool) -> Any:
    """A client that presigns with SigV4 (botocore's S3 default can be SigV2, which signs no headers)."""
    config = Config(
        signature_version='s3v4',
        s3={'addressing_style': 'path' if path_style else 'auto'},
        connect_timeout=5,
        read_timeout=60,
        retries={'max_attempts': 3, 'mode': 'standard'},
    )
    return boto3.client('s3', endpoint_url=endpoint, region_name=region, aws_access_key_id=access_key_id,
                        aws_secret_access_key=secret_access_key, config=config)  # fmt: skip


def create_app(s3: Any, bucket: str, secret: str, **options: Any) -> Flask:
    """The Flask app: the upload blueprint under /api/upload with the demo sign-in."""
    app = Flask(__name__)
    app.register_blueprint(create_upload_blueprint(s3, bucket, secret, demo_authorize, **options), url_prefix=BASE_PATH)
    return app


def _env(*names: str) -> Optional[str]:
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return None


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='upkit upload backend (Flask + boto3), on 127.0.0.1.')
    parser.add_argument('--port', type=int, default=int(_env('PORT') or 0), help='0 picks a free port (default)')
    parser.add_argument('--s3-endpoint', default=_env('UPKIT_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'),
                        help='storage URL as browsers reach it; omit for AWS')
    parser.add_argument('--bucket', default=_env('UPKIT_BUCKET'), help='env UPKIT_BUCKET')
    parser.add_argument('--region', default=_env('AWS_REGION', 'AWS_DEFAULT_REGION') or 'us-east-1')
    parser.add_argument('--access-key-id', default=_env('AWS_ACCESS_KEY_ID'))
    parser.add_argument('--secret-access-key', default=_env('AWS_SECRET_ACCESS_KEY'))
    parser.add_argument('--virtual-host-style', action='store_true',
                        help='bucket in the host name (AWS); default: path style when --s3-endpoint is set')
    parser.add_argument('--secret', default=_env('UPKIT_SECRET'),
                        help='token secret, at least 32 bytes (env UPKIT_SECRET); default: random per process')
    parser.add_argument('--max-file-size', type=int, default=1024**3, help='bytes (default 1 GiB)')
    parser.add_argument('--allowed-types', default=None, help="comma-separated, e.g. 'image/*,application/pdf'")
    parser.add_argument('--allowed-origin', action='append', default=None, help='repeatable; default: any origin')
    parser.add_argument('--expires-in', type=int, default=900, help='presigned URL lifetime in seconds')
    parser.add_argument('--upload-token-ttl', type=int, default=7 * 24 * 3600, help='token lifetime in seconds')
    parser.add_argument('--quiet', action='store_true', help='no request log')
    args = parser.parse_args(argv)
    if not args.bucket:
        parser.error('--bucket (or UPKIT_BUCKET) is required')
    return args


def _stop(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.quiet:
        logging.getLogger('werkzeug').setLevel(logging.WARNING)
    secret = args.secret
    if not secret:
        secret = secrets.token_urlsafe(48)
        print('upkit flask backend: no UPKIT_SECRET; tokens are valid for this process only', file=sys.stderr)
    path_style = bool(args.s3_endpoint) and not args.virtual_host_style
    s3 = create_s3_client(args.s3_endpoint, args.region, args.access_key_id, args.secret_access_key, path_style)
    options: Dict[str, Any] = {
        'max_file_size': args.max_file_size,
        'allowed_types': args.allowed_types,
        'allowed_origins': args.allowed_origin,
        'expires_in': args.expires_in,
        'upload_token_ttl': args.upload_token_ttl,
    }
    app = create_app(s3, args.bucket, secret, **options)
    server = make_server('127.0.0.1', args.port, app, threaded=True)
    # SIGTERM ends serve_forever like Ctrl-C does, so the socket is closed on the way out.
    signal.signal(signal.SIGTERM, _stop)
    host, port = server.server_address[:2]
    print(f'upkit flask backend listening on http://{host}:{port}{BASE_PATH}', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
