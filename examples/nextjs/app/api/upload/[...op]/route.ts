// Next.js App Router: POST /api/upload/presign, /api/upload/multipart/sign-parts, ... The handler
// reads the operation from the end of the path, and answers every failure as JSON.
import { uploadHandler } from '../../../../lib/upload';

export const POST = uploadHandler;
// Signed URLs and answers are per request: never cached, never prerendered.
export const dynamic = 'force-dynamic';
