import type { IncomingMessage } from 'node:http';
import { PorticoError } from '../errors';

const CONSUMED_MESSAGE =
  'Portico needs the raw request body to verify signatures, but a body parser has already read it. ' +
  'Mount Portico before express.json() or koa-bodyparser, or keep the bytes for it ' +
  '(express.raw(), or a Koa body parser that sets ctx.request.rawBody).';

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function alreadyConsumed(request: IncomingMessage): boolean {
  return request.readableEnded || request.readableDidRead || (request as { body?: unknown }).body !== undefined;
}

function tooLarge(maxBytes: number): PorticoError {
  return new PorticoError('PAYLOAD_TOO_LARGE', `The body exceeds ${maxBytes} bytes.`);
}

// Reading the rest and dropping it, as Node does with a body nobody reads, lets the client see
// the 413 instead of a reset and keeps the connection usable; the server's `requestTimeout`
// bounds a client that never stops sending.
function discardRest(request: IncomingMessage): void {
  request.resume();
}

/**
 * Reads a Node request body into bytes, exactly as received: what an adapter's
 * `BodyReader` calls, so that `handler.handle` reads the body only when, and if, it needs
 * it. Refuses with `PAYLOAD_TOO_LARGE` as soon as the declared `content-length` or the bytes
 * counted while streaming pass `maxBytes`, and stops buffering then. Refuses with
 * `BODY_ALREADY_CONSUMED` when a body parser read the stream first, since signatures can only
 * be checked over the original bytes; a request that ends early is refused as invalid.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { readNodeBody } from '@portico/core';
 *
 * createServer(async (req, res) => {
 *   const url = req.url ?? '/';
 *   const at = url.includes('?') ? url.indexOf('?') : url.length;
 *   const answer = await handler.handle({
 *     method: req.method ?? 'GET',
 *     path: url.slice(0, at),
 *     query: new URLSearchParams(url.slice(at)),
 *     headers: req.headers,
 *     // Called only once the caller passed its checks, and within the budget of bytes in flight.
 *     rawBody: (maxBytes) => readNodeBody(req, maxBytes),
 *   });
 *   res.writeHead(answer.status, answer.headers).end(answer.body);
 * }).listen(3000);
 * ```
 */
export function readNodeBody(request: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  if (!hasBody(request)) return Promise.resolve(new Uint8Array());
  if (alreadyConsumed(request)) return Promise.reject(new PorticoError('BODY_ALREADY_CONSUMED', CONSUMED_MESSAGE));
  if (Number(request.headers['content-length']) > maxBytes) {
    discardRest(request);
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      settle();
      discardRest(request);
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, received));
    };
    const onAbort = () => {
      settle();
      reject(new PorticoError('VALIDATION_FAILED', 'The request body ended before it was complete.'));
    };
    function settle() {
      request.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
    }
    request.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}
