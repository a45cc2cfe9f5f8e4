import type { GatewayServices } from '../services';
import { openSecret, sealedKeyId, sealSecret } from '../crypto/key-ring';
import { PorticoError } from '../errors';
import { generateWebhookSecret } from '../inbound/signatures/secret';
import { generateApiKey } from '../keys/api-key';
import { mask } from '../mask/mask';
import type { IntegrationStatus, SignatureScheme } from '../model';
import {
  integrationInputSchema,
  integrationListQuerySchema,
  integrationUpdateSchema,
  type IntegrationInput,
  type IntegrationListQuery,
  type IntegrationUpdate,
} from '../schemas/inputs';
import { parseInput } from '../schemas/parse';
import type { IntegrationChanges, IntegrationRecord } from '../storage/records';
import { toIntegration, type Integration } from './integration';
import { secretRotationChanges, secretRotationSchema, type SecretRotation } from './secret-rotation';

/** What `create` returns: the integration and its credentials, shown this once only. */
export interface CreatedIntegration {
  integration: Integration;
  /** The API key in clear: store it now, Portico keeps only its hash. */
  apiKey: string;
  /** The signing secret Portico generated, when a scheme was asked for without one. */
  secret?: string;
  warning: string;
}

/** What `rotateKey` returns. */
export interface RotatedKey {
  integration: Integration;
  /** The new API key in clear, shown this once only. */
  apiKey: string;
  /** Until when the previous key is still accepted (ISO 8601), or null when it was revoked at once. */
  previousKeyExpiresAt: string | null;
  warning: string;
}

/** What `rotateSecret` returns. */
export interface RotatedSecret {
  integration: Integration;
  /** The new signing secret in clear, shown this once only. */
  secret: string;
  /** The scheme to sign with it. */
  signatureScheme: SignatureScheme;
  /**
   * Until when webhooks signed with the replaced secret are still accepted (ISO 8601), or null
   * when it was revoked at once or the integration had no secret.
   */
  previousSecretExpiresAt: string | null;
  warning: string;
}

/** One page of integrations. */
export interface IntegrationList {
  total: number;
  integrations: Integration[];
  nextCursor: string | null;
}

/** What `resealSecrets` did. */
export interface ResealResult {
  /** Integrations looked at. */
  checked: number;
  /** Integrations whose signing secret or outbound headers were sealed again under the current key. */
  resealed: number;
}

/** Registering and managing integrations. */
export interface IntegrationRegistry {
  /**
   * Registers an integration and returns its API key (and a generated secret), shown once.
   * @param actor who does it, kept as `createdBy`
   */
  create(input: IntegrationInput, actor: string): Promise<CreatedIntegration>;
  /** Throws `NOT_FOUND` when unknown. */
  get(id: string): Promise<Integration>;
  /** One page, oldest first; pass the returned `nextCursor` back to read the next. */
  list(query?: IntegrationListQuery): Promise<IntegrationList>;
  /** Partial update; throws `NOT_FOUND`. */
  update(id: string, changes: IntegrationUpdate, actor: string): Promise<Integration>;
  /** Throws `NOT_FOUND`. Its log entries stay. */
  remove(id: string, actor: string): Promise<void>;
  /**
   * Issues a new API key. The previous one keeps working for `gracePeriodMs` (default: the
   * gateway's `keyGracePeriodMs`), then is refused; a key older than that is revoked at once.
   */
  rotateKey(id: string, actor: string, options?: { gracePeriodMs?: number }): Promise<RotatedKey>;
  /**
   * Issues a new signing secret (generated unless `secret` is given), optionally under another
   * `signatureScheme`. Webhooks signed with the replaced secret, under its own scheme, are still
   * accepted for `gracePeriodMs` (default: the gateway's `keyGracePeriodMs`; 0 revokes it at
   * once), and `standard` notifications carry both signatures meanwhile; a secret replaced
   * earlier is revoked at once. On an integration without a secret this adds one: from then on
   * unsigned webhooks are refused, at once. Throws `NOT_FOUND`; `VALIDATION_FAILED` for a secret
   * the scheme cannot sign with.
   *
   * @example
   * ```ts
   * const { secret, previousSecretExpiresAt } = await gateway.integrations.rotateSecret('GW-1A2B3C4D', 'admin', {
   *   signatureScheme: 'standard',
   *   gracePeriodMs: 3_600_000,
   * });
   * ```
   */
  rotateSecret(id: string, actor: string, rotation?: SecretRotation): Promise<RotatedSecret>;
  /**
   * Seals every stored signing secret (a replaced one in its grace period too) and outbound header
   * set that an older key sealed again under the key ring's current key, so the older key can then
   * leave the ring; a replaced secret past its grace period is dropped. Run it after a master
   * key rotation, with the old key still in the ring; it is safe to run again or on several
   * instances at once (each change is a versioned update).
   */
  resealSecrets(actor: string): Promise<ResealResult>;
}

/** Services the registry needs. */
export interface RegistryDeps extends GatewayServices {
  /** How long a rotated-out key, or a replaced signing secret, keeps working unless the rotation says otherwise. */
  keyGracePeriodMs: number;
}

const KEY_WARNING = 'The API key is shown only this once. Store it safely.';
const SECRET_WARNING = 'The signing secret is shown only this once. Store it safely.';
const RESEAL_PAGE = 100;
const INSERT_ATTEMPTS = 5;
const UPDATE_ATTEMPTS = 5;

const notFound = (id: string) => new PorticoError('NOT_FOUND', `Integration '${id}' not found.`);

function schemeFor(secret: string | undefined, scheme: SignatureScheme | undefined): SignatureScheme | null {
  if (scheme) return scheme;
  if (secret === undefined) return null;
  return secret.startsWith('whsec_') ? 'standard' : 'legacy';
}

function statusFrom(current: IntegrationStatus, status?: IntegrationStatus, enabled?: boolean): IntegrationStatus {
  if (status) return status;
  if (enabled === false) return 'INACTIVE';
  if (enabled === true && current === 'INACTIVE') return 'ACTIVE';
  return current;
}

/** Creates the registry over a store. */
export function createIntegrationRegistry(deps: RegistryDeps): IntegrationRegistry {
  const { storage, clock, ids, keyRing, log } = deps;

  function sealedHeaders(id: string, headers: Record<string, string>): Pick<IntegrationRecord, 'headers' | 'sealedHeaders'> {
    if (Object.keys(headers).length === 0) return { headers: {}, sealedHeaders: null };
    return {
      headers: mask(headers) as Record<string, string>,
      sealedHeaders: sealSecret(keyRing, JSON.stringify(headers), { recordId: id, purpose: 'headers' }),
    };
  }

  async function view(record: IntegrationRecord): Promise<Integration> {
    return toIntegration(record, await storage.usage.totals(record.id), clock.now());
  }

  async function load(id: string): Promise<IntegrationRecord> {
    const record = await storage.integrations.get(id);
    if (!record) throw notFound(id);
    return record;
  }

  async function change(
    id: string,
    actor: string,
    compute: (record: IntegrationRecord) => IntegrationChanges,
  ): Promise<IntegrationRecord> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const record = await load(id);
      const updated = await storage.integrations.update(id, record.version, {
        ...compute(record),
        updatedBy: actor,
        updatedAt: clock.now(),
      });
      if (updated) return updated;
    }
    throw new PorticoError('VERSION_CONFLICT', `Integration '${id}' is being changed concurrently; try again.`);
  }

  const sealedUnderOlderKey = (record: IntegrationRecord) =>
    [record.sealedSecret, record.sealedHeaders, record.previousSealedSecret].some(
      (sealed) => sealed !== null && sealedKeyId(sealed) !== keyRing.currentKeyId,
    );

  /*
   * Values sealed under a key other than the current one, opened and sealed again under it. A
   * previous secret whose grace period is over is dropped instead: it verifies nothing any more.
   */
  function resealed(record: IntegrationRecord): IntegrationChanges {
    const again = (sealed: string | null, purpose: string) => {
      if (sealed === null || sealedKeyId(sealed) === keyRing.currentKeyId) return undefined;
      const context = { recordId: record.id, purpose };
      return sealSecret(keyRing, openSecret(keyRing, sealed, context), context);
    };
    const changes: IntegrationChanges = {};
    const secret = again(record.sealedSecret, 'secret');
    const headers = again(record.sealedHeaders, 'headers');
    if (secret !== undefined) changes.sealedSecret = secret;
    if (headers !== undefined) changes.sealedHeaders = headers;
    if (record.previousSealedSecret !== null && (record.previousSecretExpiresAt ?? 0) <= clock.now()) {
      Object.assign(changes, { previousSealedSecret: null, previousSignatureScheme: null, previousSecretExpiresAt: null });
    } else {
      const previous = again(record.previousSealedSecret, 'previous-secret');
      if (previous !== undefined) changes.previousSealedSecret = previous;
    }
    return changes;
  }

  return {
    async create(rawInput, actor) {
      const input = parseInput(integrationInputSchema, rawInput, 'integration');
      const signatureScheme = schemeFor(input.secret, input.signatureScheme);
      const generatedSecret = signatureScheme && input.secret === undefined ? generateWebhookSecret() : undefined;
      const secret = input.secret ?? generatedSecret;
      const now = clock.now();
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const id = ids.integrationId();
        const key = generateApiKey();
        const record: IntegrationRecord = {
          id,
          name: input.name,
          type: input.type,
          description: input.description,
          endpointUrl: input.endpointUrl ?? null,
          ...sealedHeaders(id, input.headers),
          status: statusFrom('ACTIVE', input.status, input.enabled),
          rateLimit: input.rateLimit,
          signatureScheme,
          sealedSecret: secret === undefined ? null : sealSecret(keyRing, secret, { recordId: id, purpose: 'secret' }),
          previousSealedSecret: null,
          previousSignatureScheme: null,
          previousSecretExpiresAt: null,
          keyHash: key.hash,
          keyPrefix: key.prefix,
          previousKeyHash: null,
          previousKeyExpiresAt: null,
          failing: false,
          createdBy: actor,
          createdAt: now,
          updatedBy: null,
          updatedAt: null,
          version: 1,
        };
        // A taken id (32 random bits) or key hash: draw both again.
        if (!(await storage.integrations.insert(record))) continue;
        log.write({
          intId: id,
          direction: 'SYSTEM',
          event: 'INTEGRATION_CREATED',
          status: 'OK',
          payload: { name: record.name, type: record.type, by: actor },
        });
        const created: CreatedIntegration = { integration: await view(record), apiKey: key.key, warning: KEY_WARNING };
        if (generatedSecret !== undefined) created.secret = generatedSecret;
        return created;
      }
      throw new PorticoError('INTERNAL', 'Could not allocate a unique integration id.');
    },

    async get(id) {
      await deps.usage.flush();
      return view(await load(id));
    },

    async list(rawQuery = {}) {
      const query = parseInput(integrationListQuerySchema, rawQuery, 'query');
      await deps.usage.flush();
      const page = await storage.integrations.list(query);
      return {
        total: page.total,
        integrations: await Promise.all(page.items.map(view)),
        nextCursor: page.nextCursor,
      };
    },

    async update(id, rawChanges, actor) {
      const input = parseInput(integrationUpdateSchema, rawChanges, 'update');
      const record = await change(id, actor, (current) => {
        const changes: IntegrationChanges = { status: statusFrom(current.status, input.status, input.enabled) };
        if (input.name !== undefined) changes.name = input.name;
        if (input.description !== undefined) changes.description = input.description;
        if (input.endpointUrl !== undefined) changes.endpointUrl = input.endpointUrl;
        if (input.rateLimit !== undefined) changes.rateLimit = input.rateLimit;
        if (input.headers !== undefined) Object.assign(changes, sealedHeaders(id, input.headers));
        return changes;
      });
      log.write({
        intId: id,
        direction: 'SYSTEM',
        event: 'INTEGRATION_UPDATED',
        status: 'OK',
        payload: { fields: Object.keys(input), by: actor },
      });
      await deps.usage.flush();
      return view(record);
    },

    async remove(id, actor) {
      if (!(await storage.integrations.remove(id))) throw notFound(id);
      log.write({ intId: id, direction: 'SYSTEM', event: 'INTEGRATION_DELETED', status: 'OK', payload: { by: actor } });
    },

    async rotateKey(id, actor, options = {}) {
      const gracePeriodMs = options.gracePeriodMs ?? deps.keyGracePeriodMs;
      if (!Number.isFinite(gracePeriodMs) || gracePeriodMs < 0) {
        throw new PorticoError('VALIDATION_FAILED', 'gracePeriodMs must be a non-negative number.', {
          fields: [{ path: 'gracePeriodMs', message: 'Must be >= 0' }],
        });
      }
      const key = generateApiKey();
      const expiresAt = gracePeriodMs > 0 ? clock.now() + gracePeriodMs : null;
      const record = await change(id, actor, (current) => ({
        keyHash: key.hash,
        keyPrefix: key.prefix,
        previousKeyHash: expiresAt === null ? null : current.keyHash,
        previousKeyExpiresAt: expiresAt,
      }));
      log.write({
        intId: id,
        direction: 'SYSTEM',
        event: 'API_KEY_ROTATED',
        status: 'OK',
        payload: { by: actor, previous_key_expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString() },
      });
      await deps.usage.flush();
      return {
        integration: await view(record),
        apiKey: key.key,
        previousKeyExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        warning: KEY_WARNING,
      };
    },

    async rotateSecret(id, actor, rawRotation = {}) {
      const rotation = parseInput(secretRotationSchema, rawRotation, 'rotation');
      const gracePeriodMs = rotation.gracePeriodMs ?? deps.keyGracePeriodMs;
      const expiresAt = gracePeriodMs > 0 ? clock.now() + gracePeriodMs : null;
      const secret = rotation.secret ?? generateWebhookSecret();
      let signatureScheme: SignatureScheme = 'standard';
      const record = await change(id, actor, (current) => {
        const changes = secretRotationChanges(current, { signatureScheme: rotation.signatureScheme, secret }, keyRing, expiresAt);
        signatureScheme = changes.signatureScheme;
        return changes;
      });
      const previousSecretExpiresAt = record.previousSecretExpiresAt === null ? null : new Date(record.previousSecretExpiresAt).toISOString();
      log.write({
        intId: id,
        direction: 'SYSTEM',
        event: 'SIGNING_SECRET_ROTATED',
        status: 'OK',
        // Not `previous_secret_…`: the masker hides every field a `secret` names.
        payload: { by: actor, signature_scheme: record.signatureScheme, grace_until: previousSecretExpiresAt },
      });
      await deps.usage.flush();
      return { integration: await view(record), secret, signatureScheme, previousSecretExpiresAt, warning: SECRET_WARNING };
    },

    async resealSecrets(actor) {
      const result: ResealResult = { checked: 0, resealed: 0 };
      let cursor: string | undefined;
      do {
        const page = await storage.integrations.list({ limit: RESEAL_PAGE, cursor });
        for (const record of page.items) {
          result.checked++;
          if (!sealedUnderOlderKey(record)) continue;
          await change(record.id, actor, resealed);
          log.write({
            intId: record.id,
            direction: 'SYSTEM',
            event: 'SECRETS_RESEALED',
            status: 'OK',
            payload: { key_id: keyRing.currentKeyId, by: actor },
          });
          result.resealed++;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return result;
    },
  };
}
