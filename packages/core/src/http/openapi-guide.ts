import { createHash, createHmac } from 'node:crypto';
import { signStandardWebhook } from '../inbound/signatures/standard';
import type { Route } from './route';

/**
 * The fixed message of the worked example in the signing guide.
 *
 * @example
 * ```ts
 * new Webhook(signingExample.secret).sign(signingExample.id, new Date(signingExample.timestampSeconds * 1000), signingExample.body);
 * ```
 */
export const signingExample = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  /** 2026-01-01T00:00:00Z. */
  timestampSeconds: 1767225600,
  body: '{"event":"ALERT","host":"db-01","severity":"high"}',
} as const;

const hubSignature = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/**
 * The signature headers of {@link signingExample} under each scheme, made by the gateway's own code.
 *
 * @example
 * ```ts
 * signingExampleHeaders().standard['webhook-signature']; // 'v1,…'
 * ```
 */
export function signingExampleHeaders() {
  const { secret, id, timestampSeconds, body } = signingExample;
  return {
    standard: signStandardWebhook({ secret, id, timestampSeconds, body }),
    github: hubSignature(secret, body),
    legacy: hubSignature(createHash('sha256').update(secret).digest('hex'), body),
  };
}

const DEFAULT_INTRO =
  'Portico registers outside systems as integrations, receives their webhooks and keeps a masked log of every ' +
  'request. This reference is generated from the gateway\'s route table.';

function authenticationSection(routes: readonly Route[], webhookPath: string): string {
  const admin = routes.some((route) => route.access !== 'public' && route.access !== 'webhook');
  const webhook = routes.some((route) => route.access === 'webhook');
  const parts = ['## Authentication'];
  if (admin) {
    parts.push(
      'Admin operations are authenticated by the host service, with `Authorization: Bearer <token>`. ' +
        'Each operation names the permission it needs; the host maps roles to permissions.',
    );
  }
  if (webhook) {
    parts.push(
      'Webhook senders authenticate with their integration\'s API key, shown once when the integration is ' +
        `registered or its key rotated. Send it in \`X-Api-Key: <key>\` or \`Authorization: Bearer <key>\` to \`POST ${webhookPath}\`; ` +
        'operations with a `{key}` path parameter take it in the path instead, as the original router did ' +
        '(paths end up in access logs: prefer a header).',
    );
  }
  return parts.join('\n\n');
}

const ERRORS_SECTION = `## Errors

Every error answer is an RFC 9457 problem document (\`application/problem+json\`) with \`type\`, \`title\`, \`status\`, \`detail\` and a stable \`code\` to branch on. Answers to invalid requests list each failing field in \`errors\`. Rate-limited webhooks are answered 429 with \`Retry-After\` (seconds) and the \`RateLimit-Policy\` and \`RateLimit\` headers.`;

function signingSection(webhookPath: string): string {
  const { secret, id, timestampSeconds, body } = signingExample;
  const headers = signingExampleHeaders();
  const date = new Date(timestampSeconds * 1000).toISOString().replace('.000Z', 'Z');
  return `## Signing webhooks

An integration with a signing secret refuses webhooks without a valid signature. The signature covers the body **exactly as sent**: sign the bytes, then send those same bytes (\`curl --data-binary\`, not \`-d\`, which strips newlines), never a re-serialised copy of the JSON. The integration's \`signature_scheme\` names one of three schemes.

### Standard Webhooks (\`standard\`)

The scheme of [Standard Webhooks](https://www.standardwebhooks.com), for secrets of the form \`whsec_<base64>\`. Send three headers:

- \`webhook-id\`: a unique id of the message. An id received before is refused with 409, so a retry of the same message keeps its id.
- \`webhook-timestamp\`: when the message was sent, in whole seconds since the Unix epoch. More than 5 minutes away from the gateway's clock, either way, is refused with 403.
- \`webhook-signature\`: \`v1,\` and the base64 of the HMAC-SHA256 of \`{webhook-id}.{webhook-timestamp}.{body}\`, keyed with the bytes of the base64 after \`whsec_\`. Several space-separated signatures may be sent, e.g. while a secret is rotated; one must match.

### GitHub style (\`github\`)

\`X-Hub-Signature-256: sha256=<hex>\`: the lower-case hex HMAC-SHA256 of the body, keyed with the whole secret as text (\`whsec_\` included). Neither an id nor a time is signed, so replays cannot be detected: prefer \`standard\`.

### Legacy (\`legacy\`)

The original router's scheme, for senders built against it: the same \`X-Hub-Signature-256\` header (\`sha256=\` may be left out), but the HMAC key is the lower-case hex SHA-256 of the secret, its 64 characters as text. No replay protection either.

### Worked example

- secret: \`${secret}\`
- \`webhook-id\`: \`${id}\`
- \`webhook-timestamp\`: \`${timestampSeconds}\` (${date})
- body, ${Buffer.byteLength(body)} bytes without a trailing newline: \`${body}\`

Standard Webhooks signs \`${id}.${timestampSeconds}.${body}\` and sends:

\`\`\`http
webhook-id: ${headers.standard['webhook-id']}
webhook-timestamp: ${headers.standard['webhook-timestamp']}
webhook-signature: ${headers.standard['webhook-signature']}
\`\`\`

The same secret and body give \`X-Hub-Signature-256: ${headers.github}\` under \`github\`, and \`X-Hub-Signature-256: ${headers.legacy}\` under \`legacy\`.

### With curl and openssl

The message, and where it goes:

\`\`\`sh
url='https://gateway.example.internal${webhookPath}'
api_key='<the integration API key>'
secret='${secret}'
body='${body}'
\`\`\`

Standard Webhooks:

\`\`\`sh
id="msg_$(openssl rand -hex 12)"
timestamp=$(date +%s)
key=$(printf '%s' "\${secret#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \\n')
signature=$(printf '%s.%s.%s' "$id" "$timestamp" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
curl -sS "$url" -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \\
  -H "webhook-id: $id" -H "webhook-timestamp: $timestamp" -H "webhook-signature: v1,$signature" --data-binary "$body"
\`\`\`

GitHub style:

\`\`\`sh
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')
curl -sS "$url" -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \\
  -H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body"
\`\`\`

Legacy:

\`\`\`sh
legacy_key=$(printf '%s' "$secret" | openssl dgst -sha256 | sed 's/^.*= //')
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$legacy_key" | sed 's/^.*= //')
curl -sS "$url" -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \\
  -H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body"
\`\`\``;
}

/**
 * The markdown of `info.description`: the operator's introduction (or a default), then how to
 * authenticate, what errors look like and, when `routes` receive webhooks, how to sign one.
 *
 * @example
 * ```ts
 * const description = apiGuide(gatewayRoutes, '/api/gateway');
 * ```
 */
export function apiGuide(routes: readonly Route[], prefix: string, intro = DEFAULT_INTRO): string {
  const webhooks = routes.filter((route) => route.access === 'webhook');
  const headerKeyed = webhooks.find((route) => !route.path.includes('{')) ?? webhooks[0];
  const webhookPath = `${prefix}${headerKeyed?.path ?? ''}`;
  const sections = [intro, authenticationSection(routes, webhookPath), ERRORS_SECTION];
  if (headerKeyed) sections.push(signingSection(webhookPath));
  return sections.join('\n\n');
}
