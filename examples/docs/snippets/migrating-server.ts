// How a host that served the original FastAPI router mounts Portico in its place, for
// docs/migrating-from-fastapi.md. The test sends the original's requests through it.
// #region mount
import { createGateway, type EgressOptions, type HttpRequest, type KeyRing, type Logger, type Principal, type Storage } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import type { Express } from 'express';

/** The host's user, as its own authentication finds it: what the original's `get_current_user` gave. */
export interface HostUser {
  username: string;
  /** `ADMIN`, `PM`, … */
  role: string;
}

export interface HostDeps {
  storage: Storage;
  keyRing: KeyRing;
  logger: Logger;
  /** The host's authentication: who makes this request, or null. */
  currentUser(request: HttpRequest): Promise<HostUser | null>;
  egress?: EgressOptions;
}

export function mountGateway(app: Express, deps: HostDeps) {
  const gateway = createGateway({
    storage: deps.storage,
    keyRing: deps.keyRing,
    logger: deps.logger,
    egress: deps.egress,
    // The original put `"source": "guardia_itsm"` in every notification; receivers may rely on it.
    source: 'guardia_itsm',
  });
  // The principal's id becomes `created_by` / `updated_by`, as the username did.
  async function authenticate(request: HttpRequest): Promise<Principal | null> {
    const user = await deps.currentUser(request);
    return user === null ? null : { id: user.username, roles: [user.role] };
  }
  app.use(reportOriginalKeys(deps.logger));
  // The default prefix is the original's, /api/gateway, and the default policy its role checks:
  // ADMIN may do everything, PM may send.
  app.use(createExpressRouter(gateway, { authenticate, logger: deps.logger }));
  return gateway;
}
// #endregion mount

// #region laggards
import type { NextFunction, Request, Response } from 'express';

/** A key of the original router: `gk_` and 40 lower-case hex digits. Portico's are `gk_` and 49 base62 characters. */
const ORIGINAL_KEY = /^gk_[0-9a-f]{40}$/;

/** Portico answers an old key 401 and logs nothing; this says which senders still use one. */
export function reportOriginalKeys(logger: Logger) {
  return (request: Request, _response: Response, next: NextFunction) => {
    const key = /^\/api\/gateway\/webhook\/([^/]+)$/.exec(request.path)?.[1];
    if (key !== undefined && ORIGINAL_KEY.test(key)) {
      // The first 8 characters, as the original logged unknown keys; the old keys open nothing here.
      logger.warn('A sender still uses a key of the original router', { keyStart: key.slice(0, 8), from: request.socket.remoteAddress });
    }
    next();
  };
}
// #endregion laggards
