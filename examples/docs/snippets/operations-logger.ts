// The operator logger of docs/operations.md: Portico's own messages (not the integration log)
// sent to pino, through the gateway, which the HTTP handler reports to as well.
// #region pino
import type { Logger } from '@portico/core';

/** The four pino methods Portico needs; pino takes the fields first, then the message. */
export type PinoMethods = Record<'debug' | 'info' | 'warn' | 'error', (fields: object, message: string) => void>;

/** Portico passes a failure as the field `error`; pino serialises an Error only under `err`. */
export function pinoLogger(pino: PinoMethods): Logger {
  const forward = (level: keyof PinoMethods) => (message: string, fields: Record<string, unknown> = {}) => {
    const { error, ...rest } = fields;
    pino[level](error === undefined ? rest : { ...rest, err: error }, message);
  };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
// #endregion pino

// #region wire
import { createGateway, type KeyRing, type Storage } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import express from 'express';

export function observedGateway(pino: PinoMethods, storage: Storage, keyRing: KeyRing) {
  const logger = pinoLogger(pino);
  // The gateway reports storage failures, dropped log entries and webhooks whose every hand-off failed.
  const gateway = createGateway({ storage, keyRing, logger });
  const app = express();
  // The HTTP handler reports to the gateway's logger too (unexpected errors in routes, a body
  // parser mounted too early); its own `logger` option would send them elsewhere.
  app.use(createExpressRouter(gateway));
  return { gateway, app };
}
// #endregion wire
