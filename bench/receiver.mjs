// @ts-check
// The loopback receiver of outbound notifications, in a process of its own: it reads each body
// whole and answers 200. Prints `{ port }` once listening on 127.0.0.1.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = 200;
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP address');
  process.stdout.write(`${JSON.stringify({ port: address.port, keys: [], setupMs: 0 })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
