import { z } from 'zod';
import type { RotatedSecret } from '../registry/integration-registry';
import { secretSchema, signatureSchemeSchema } from '../schemas/fields';
import { defineRoute, type Route } from './route';
import { isoTime } from './wire';

const intIdParams = z.object({ int_id: z.string().min(1).max(64).describe('The integration id, `GW-` and 8 hex digits.') });
/* The limit of `rotateSecret`: a year. */
const MAX_GRACE_PERIOD_SECONDS = 365 * 86_400;

/**
 * Body of `POST /integrations/{int_id}/rotate-secret`, optional; an unknown field is refused.
 *
 * @example
 * ```ts
 * secretRotationBodySchema.parse({ signature_scheme: 'standard', grace_period_seconds: 3600 });
 * ```
 */
export const secretRotationBodySchema = z
  .strictObject({
    signature_scheme: signatureSchemeSchema
      .optional()
      .describe('The scheme of the new secret; default the current one (`standard` for an integration without a secret, or `legacy` for a given secret not starting with `whsec_`).'),
    secret: secretSchema.optional().describe('The new signing secret; default a generated `whsec_…` secret, valid for every scheme.'),
    grace_period_seconds: z
      .int()
      .min(0)
      .max(MAX_GRACE_PERIOD_SECONDS)
      .optional()
      .describe("How long the replaced secret keeps verifying; `0` revokes it at once. Default the gateway's key grace period (24 hours)."),
  })
  .meta({ id: 'SecretRotation' });

/**
 * Answer of `POST /integrations/{int_id}/rotate-secret`.
 *
 * @example
 * ```ts
 * secretRotatedWireSchema.shape.previous_secret_expires_at;
 * ```
 */
export const secretRotatedWireSchema = z
  .object({
    int_id: z.string(),
    secret: z.string().describe('The new signing secret, shown only in this answer.'),
    signature_scheme: signatureSchemeSchema,
    previous_secret_expires_at: isoTime
      .nullable()
      .describe('Until when webhooks signed with the replaced secret are still accepted; null when it was revoked at once or there was none.'),
    warning: z.string(),
  })
  .meta({ id: 'SecretRotated' });

/**
 * The answer to a secret rotation, in wire form.
 *
 * @example
 * ```ts
 * secretRotatedToWire(await gateway.integrations.rotateSecret(intId, 'admin')).secret; // 'whsec_…'
 * ```
 */
export function secretRotatedToWire(rotated: RotatedSecret): z.infer<typeof secretRotatedWireSchema> {
  return {
    int_id: rotated.integration.id,
    secret: rotated.secret,
    signature_scheme: rotated.signatureScheme,
    previous_secret_expires_at: rotated.previousSecretExpiresAt,
    warning: rotated.warning,
  };
}

/**
 * `POST /integrations/{int_id}/rotate-secret`: a new signing secret, shown once, while the
 * replaced one keeps verifying for the grace period.
 *
 * @example
 * ```ts
 * const routes = [...otherRoutes, rotateSecretRoute];
 * ```
 */
export const rotateSecretRoute: Route = defineRoute({
  method: 'POST',
  path: '/integrations/{int_id}/rotate-secret',
  operationId: 'rotateIntegrationSecret',
  summary: 'Rotate the signing secret',
  description:
    'Answers a new signing secret once (generated unless given), optionally under another scheme. Webhooks signed with the ' +
    'replaced secret, under its scheme, are still accepted for the grace period (default 24 hours), and `standard` ' +
    'notifications carry both signatures meanwhile. On an integration without a secret this adds one: unsigned webhooks ' +
    'are refused from then on, at once.',
  tags: ['Integrations'],
  access: 'integrations:write',
  params: intIdParams,
  body: secretRotationBodySchema.optional(),
  responses: { 200: { description: 'The new secret.', schema: secretRotatedWireSchema } },
  errors: [400, 401, 403, 404, 409],
  async handle({ gateway, params, body, principal }) {
    const rotated = await gateway.integrations.rotateSecret(params.int_id, principal?.id ?? 'unknown', {
      signatureScheme: body?.signature_scheme,
      secret: body?.secret,
      gracePeriodMs: body?.grace_period_seconds === undefined ? undefined : body.grace_period_seconds * 1000,
    });
    return { status: 200, body: secretRotatedToWire(rotated) };
  },
});
