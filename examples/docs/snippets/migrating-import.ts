// Registers the original router's integrations in Portico, for docs/migrating-from-fastapi.md.
// #region import
import { createHash } from 'node:crypto';
import { isPorticoError, type Gateway, type IntegrationInput } from '@portico/core';

/** One record of the original's `GET /api/gateway/integrations` answer, which held both hashes. */
export interface OriginalIntegration {
  int_id: string;
  name: string;
  type: string;
  description: string;
  endpoint_url: string | null;
  api_key_hash: string;
  secret_hash: string | null;
  headers: Record<string, string>;
  enabled: boolean;
  rate_limit: number;
}

export interface Imported {
  originalId: string;
  /** The new id: update whatever called `POST /send/{int_id}` with the old one. */
  intId?: string;
  /** The new API key, shown this once: hand it to the sender. */
  apiKey?: string;
  /** Headers the original kept only as `***`: set them again with `PUT /integrations/{int_id}`. */
  headersToReenter: string[];
  /** Why it was not imported. */
  problem?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How an integration keeps verifying its sender's signatures, or why it cannot. */
function signing(old: OriginalIntegration, secret: string | undefined): Pick<IntegrationInput, 'secret' | 'signatureScheme'> | string {
  if (old.secret_hash === null) return {};
  if (secret !== undefined && sha256(secret) !== old.secret_hash) return 'The secret given does not match secret_hash.';
  // The original's scheme, from the secret itself; Portico wants 16 characters or more.
  if (secret !== undefined && secret.length >= 16) return { secret, signatureScheme: 'legacy' };
  // The original keyed its HMAC with secret_hash, and `github` keys with the secret as given: the
  // same signatures, but `sha256=` before the hex becomes mandatory.
  return { secret: old.secret_hash, signatureScheme: 'github' };
}

/**
 * @param secrets the plaintext signing secrets you still have, by the original's int_id
 * @param actor kept as `created_by`: the original's creator and creation time are not carried over
 */
export async function importIntegrations(
  gateway: Gateway,
  records: readonly OriginalIntegration[],
  secrets: Readonly<Record<string, string>>,
  actor: string,
): Promise<Imported[]> {
  const results: Imported[] = [];
  for (const old of records) {
    const headers = Object.fromEntries(Object.entries(old.headers).filter(([, value]) => value !== '***'));
    const imported: Imported = { originalId: old.int_id, headersToReenter: Object.keys(old.headers).filter((name) => !(name in headers)) };
    results.push(imported);
    const signed = signing(old, secrets[old.int_id]);
    if (typeof signed === 'string') {
      imported.problem = signed;
      continue;
    }
    const input = {
      name: old.name,
      type: old.type,
      description: old.description,
      endpointUrl: old.endpoint_url,
      headers,
      enabled: old.enabled,
      rateLimit: old.rate_limit,
      ...signed,
    } as IntegrationInput; // `type` and the limits are checked by `create`
    try {
      const { integration, apiKey } = await gateway.integrations.create(input, actor);
      Object.assign(imported, { intId: integration.id, apiKey });
    } catch (error) {
      if (!isPorticoError(error, 'VALIDATION_FAILED')) throw error;
      imported.problem = error.message; // e.g. "Invalid integration: rateLimit: Too small: expected number to be >=1"
    }
  }
  return results;
}
// #endregion import
