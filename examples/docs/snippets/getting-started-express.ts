// The Express app of docs/getting-started.md. The test imports it (with PORT=0), sends it the
// guide's requests over loopback and shuts it down as the guide does.
import { authenticate, gateway, shutdown } from './getting-started-gateway.ts';
// #region app
import express from 'express';
import { createExpressRouter } from '@portico/express';

const app = express();
// First, before any body parser: webhook signatures are checked over the body bytes as received.
app.use(createExpressRouter(gateway, { authenticate }));
// Your own routes follow; Portico passes on every request outside /api/gateway.
app.use(express.json());
app.get('/health', (_request, response) => {
  response.json({ ok: true });
});

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
// #endregion app

// #region signals
const stop = () =>
  shutdown(server).catch((error: unknown) => {
    console.error('Shutdown failed', error);
    process.exitCode = 1;
  });
process.once('SIGTERM', stop).once('SIGINT', stop);
// #endregion signals

export { app, server, stop };
