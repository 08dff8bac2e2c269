// An Express 5 app serving upkit's upload endpoints, as docs/backend.md shows it. Run by
// tests/e2e/frameworks.test.ts against MinIO, checked by the conformance kit.
import express, { type Express } from 'express';
import { createUploadHandler, toNodeHandler, type UploadHandlerConfig } from 'upkit/server';

export interface User {
  id: string;
}

/** The app: the upload endpoints under /api/upload, then your own JSON routes. */
export function createApp(config: Omit<UploadHandlerConfig<User>, 'authorize'>): Express {
  const app = express();
  app.disable('x-powered-by');

  const uploadHandler = createUploadHandler<User>({
    ...config,
    // Where it is mounted below: only /api/upload/{operation} is answered.
    basePath: '/api/upload',
    // Stands for your session check: the signed-in user, or null for 401.
    authorize: (request) => {
      const id = /^Bearer ([\w-]{1,64})$/.exec(request.headers.get('authorization') ?? '')?.[1];
      return id ? { id } : null;
    },
  });
  // Before any body parser, for every method: upkit answers malformed JSON (400) and other
  // methods (405) with its JSON errors. Behind express.json(), a cut-off body would get
  // Express's HTML error page, and a GET its HTML 404.
  app.use('/api/upload', toNodeHandler(uploadHandler));

  // Your own routes.
  app.use(express.json());
  return app;
}
