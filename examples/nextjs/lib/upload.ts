// The upload handler of a Next.js app, made once per server process.
import { S3Client } from '@aws-sdk/client-s3';
import { createUploadHandler } from 'upkit/server';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/nextjs/README.md).`);
  return value;
};

const s3 = new S3Client({
  region: process.env.AWS_REGION ?? 'us-east-1',
  ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true } : {}),
  // Presigned URLs carry only the checksum the browser sends (docs/backend.md).
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export const uploadHandler = createUploadHandler<{ id: string }>({
  s3,
  bucket: env('UPLOAD_BUCKET'),
  secret: env('UPLOAD_SECRET'),
  allowedTypes: ['image/*', 'application/pdf'],
  // Stands for your session check (next-auth's auth(), a cookie): the user, or null for 401.
  authorize: (request) => {
    const id = /^Bearer ([\w-]{1,64})$/.exec(request.headers.get('authorization') ?? '')?.[1];
    return id ? { id } : null;
  },
  // Route handlers have no socket address: name the client for the sign-in rate limit.
  getClientAddress: (request) => request.headers.get('x-forwarded-for')?.split(',')[0]?.trim(),
});
