import type { Clock } from './clock';
import type { SecretOpener } from './crypto/cached-opener';
import type { KeyRing } from './crypto/key-ring';
import type { IdGenerator } from './ids';
import type { Logger } from './logger';
import type { LogWriter } from './logs/log-writer';
import type { RateLimiter } from './rate-limit/rate-limiter';
import type { Storage } from './storage/storage';
import type { UsageRecorder } from './usage/usage-recorder';

/** What `createGateway` wires once and hands to the registry, the inbound and the outbound side. */
export interface GatewayServices {
  storage: Storage;
  rateLimiter: RateLimiter;
  clock: Clock;
  ids: IdGenerator;
  keyRing: KeyRing;
  /** Opens sealed values through one cache shared by the inbound and the outbound side. */
  openSealed: SecretOpener;
  log: LogWriter;
  usage: UsageRecorder;
  logger: Logger;
}
