// The upload handler of a Next.js app, made once per server process, on its first request:
// `next build` imports route modules to read their configuration, and a deployment that sets
// secrets at run time only (a container's environment) has none of them then.
import { S3Client } from '@aws-sdk/client-s3';
import { createUploadHandler, type UploadHandler } from 'upkit/server';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/nextjs/README.md).`);
  return value;
};

const makeS3 = () =>
  new S3Client({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true } : {}),
    // Presigned URLs carry only the checksum the browser sends (docs/backend.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

const makeHandler = () =>
  createUploadHandler<{ id: string }>({
    s3: makeS3(),
    bucket: env('UPLOAD_BUCKET'),
    secret: env('UPLOAD_SECRET'),
    allowedTypes: ['image/*', 'application/pdf'],
    // The route's path: only /api/upload/{operation} is answered.
    basePath: '/api/upload',
    // Stands for your session check (next-auth's auth(), a cookie): the user, or null for 401.
    authorize: (request) => {
      const id = /^Bearer ([\w-]{1,64})$/.exec(request.headers.get('authorization') ?? '')?.[1];
      return id ? { id } : null;
    },
    // Route handlers have no socket address: name the client for the sign-in rate limit. The
    // last X-Forwarded-For entry is the one the platform's proxy added; earlier ones are
    // whatever the client sent.
    getClientAddress: (request) => request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim(),
  });

let handler: UploadHandler | undefined;

export function uploadHandler(request: Request): Promise<Response> {
  handler ??= makeHandler();
  return handler(request);
}
