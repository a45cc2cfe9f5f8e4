// The bare node:http server of docs/getting-started.md. The test imports it (with PORT=0) and
// sends it the guide's requests over loopback.
import { authenticate, gateway } from './getting-started-gateway.ts';
// #region app
import { createServer } from 'node:http';
import { createHttpHandler, readNodeBody } from '@portico/core';

const handler = createHttpHandler(gateway, { authenticate });

const server = createServer(async (req, res) => {
  // The path stays percent-encoded: the handler decodes each parameter once.
  const target = req.url ?? '/';
  const queryAt = target.includes('?') ? target.indexOf('?') : target.length;
  const path = target.slice(0, queryAt);
  if (!handler.owns(path)) {
    res.writeHead(404).end(); // your own routes would go here
    return;
  }
  // The body is not read here: the handler calls the reader only once the caller passed its
  // checks and the bytes fit its budget. `handle` never rejects.
  const answer = await handler.handle({
    method: req.method ?? 'GET',
    path,
    query: new URLSearchParams(target.slice(queryAt + 1)),
    headers: req.headers,
    rawBody: (maxBytes) => readNodeBody(req, maxBytes),
  });
  res.writeHead(answer.status, answer.headers).end(answer.body);
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
// #endregion app

export { server };
