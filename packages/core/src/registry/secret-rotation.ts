import { z } from 'zod';
import { openSecret, sealSecret, type KeyRing } from '../crypto/key-ring';
import { PorticoError } from '../errors';
import { isValidWebhookSecret } from '../inbound/signatures/secret';
import type { SignatureScheme } from '../model';
import { secretSchema, signatureSchemeSchema } from '../schemas/fields';
import type { IntegrationChanges, IntegrationRecord } from '../storage/records';

/* A year: a longer overlap is a second secret, not a grace period. */
const MAX_GRACE_PERIOD_MS = 365 * 86_400_000;

/**
 * What `gateway.integrations.rotateSecret` takes; an unknown field is refused. Without a
 * `secret` one is generated (`whsec_…`, valid for every scheme); without a `signatureScheme` the
 * current one is kept (an integration without a secret gets the scheme the secret implies:
 * `whsec_…` → `standard`, anything else → `legacy`).
 *
 * @example
 * ```ts
 * secretRotationSchema.parse({ signatureScheme: 'standard', gracePeriodMs: 3_600_000 });
 * ```
 */
export const secretRotationSchema = z.strictObject({
  signatureScheme: signatureSchemeSchema.optional(),
  /** Signing secret to use instead of a generated one. */
  secret: secretSchema.optional(),
  /** How long the replaced secret keeps verifying; 0 revokes it at once. Default: the gateway's `keyGracePeriodMs`. */
  gracePeriodMs: z.number().min(0).max(MAX_GRACE_PERIOD_MS).optional(),
});

/** Input of `gateway.integrations.rotateSecret`. */
export type SecretRotation = z.input<typeof secretRotationSchema>;

/** The fields a rotation changes. */
export type SecretRotationChanges = Required<
  Pick<IntegrationChanges, 'sealedSecret' | 'previousSealedSecret' | 'previousSignatureScheme' | 'previousSecretExpiresAt'>
> & { signatureScheme: SignatureScheme };

/**
 * The changes that rotate `current`'s signing secret to `secret` under `signatureScheme` (or the
 * current scheme; `standard` or `legacy` by the secret's form when there is none). The replaced
 * secret is sealed again for purpose `previous-secret` and keeps verifying, under its own
 * scheme, until `expiresAt`; with `expiresAt` null, or when there was no secret, nothing is
 * kept. A secret replaced earlier is dropped: one rotation, one grace period.
 *
 * @throws PorticoError `VALIDATION_FAILED` when `secret` cannot sign under the scheme;
 * `INTERNAL` when the key ring cannot open the current secret.
 * @example
 * ```ts
 * const changes = secretRotationChanges(record, { secret: generateWebhookSecret() }, keyRing, now + gracePeriodMs);
 * await storage.integrations.update(record.id, record.version, changes);
 * ```
 */
export function secretRotationChanges(
  current: IntegrationRecord,
  rotation: { signatureScheme?: SignatureScheme | undefined; secret: string },
  keyRing: KeyRing,
  expiresAt: number | null,
): SecretRotationChanges {
  const { id, sealedSecret, signatureScheme } = current;
  const hasSecret = sealedSecret !== null && signatureScheme !== null;
  const scheme = rotation.signatureScheme ?? (hasSecret ? signatureScheme : rotation.secret.startsWith('whsec_') ? 'standard' : 'legacy');
  if (!isValidWebhookSecret(scheme, rotation.secret)) {
    const message = 'A Standard Webhooks secret is `whsec_` followed by base64';
    throw new PorticoError('VALIDATION_FAILED', `Invalid rotation: secret: ${message}`, { fields: [{ path: 'secret', message }] });
  }
  const kept = expiresAt !== null && hasSecret;
  return {
    signatureScheme: scheme,
    sealedSecret: sealSecret(keyRing, rotation.secret, { recordId: id, purpose: 'secret' }),
    previousSealedSecret: kept
      ? sealSecret(keyRing, openSecret(keyRing, sealedSecret, { recordId: id, purpose: 'secret' }), { recordId: id, purpose: 'previous-secret' })
      : null,
    previousSignatureScheme: kept ? signatureScheme : null,
    previousSecretExpiresAt: kept ? expiresAt : null,
  };
}
