/**
 * The kinds of integration, with the labels the original showed. The keys are the wire values.
 *
 * @example
 * ```ts
 * integrationTypeLabels.WEBHOOK_IN; // 'Inbound webhook (external system → host)'
 * ```
 */
export const integrationTypeLabels = {
  WEBHOOK_IN: 'Inbound webhook (external system → host)',
  WEBHOOK_OUT: 'Outbound webhook (host → external system)',
  REST_API: 'REST API integration',
  MONITORING: 'Monitoring system integration',
  TICKETING: 'External ticketing system',
  NOTIFICATION: 'Notification channel (messenger / e-mail)',
} as const;

/** One of the keys of {@link integrationTypeLabels}. */
export type IntegrationType = keyof typeof integrationTypeLabels;

/**
 * Every integration type, in the original's order.
 *
 * @example
 * ```ts
 * integrationTypes.includes('TICKETING'); // true
 * ```
 */
export const integrationTypes = Object.keys(integrationTypeLabels) as IntegrationType[];

/**
 * Lifecycle of an integration. `INACTIVE` refuses its key; `TEST` accepts webhooks but marks the
 * events `test: true` so the host can keep them apart.
 *
 * @example
 * ```ts
 * integrationStatuses; // ['ACTIVE', 'INACTIVE', 'TEST']
 * ```
 */
export const integrationStatuses = ['ACTIVE', 'INACTIVE', 'TEST'] as const;
/** One of {@link integrationStatuses}. */
export type IntegrationStatus = (typeof integrationStatuses)[number];

/**
 * How an integration's inbound webhooks are signed:
 * - `standard`: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`);
 * - `github`: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 keyed with the secret;
 * - `legacy`: the original router's scheme, the same header keyed with the hex SHA-256 of the secret.
 *
 * @example
 * ```ts
 * signatureSchemes; // ['standard', 'github', 'legacy']
 * ```
 */
export const signatureSchemes = ['standard', 'github', 'legacy'] as const;
/** One of {@link signatureSchemes}. */
export type SignatureScheme = (typeof signatureSchemes)[number];

/**
 * Who a log entry is about: inbound, outbound, or a change made by an operator.
 *
 * @example
 * ```ts
 * logDirections; // ['IN', 'OUT', 'SYSTEM']
 * ```
 */
export const logDirections = ['IN', 'OUT', 'SYSTEM'] as const;
/** One of {@link logDirections}. */
export type LogDirection = (typeof logDirections)[number];

/**
 * Outcome recorded on a log entry.
 *
 * @example
 * ```ts
 * logStatuses; // ['OK', 'ERROR', 'RATE_LIMITED']
 * ```
 */
export const logStatuses = ['OK', 'ERROR', 'RATE_LIMITED'] as const;
/** One of {@link logStatuses}. */
export type LogStatus = (typeof logStatuses)[number];

/**
 * Requests per minute an integration gets when none is given, as the original.
 *
 * @example
 * ```ts
 * const input = integrationInputSchema.parse({ name: 'Billing alerts', type: 'WEBHOOK_IN' });
 * input.rateLimit === DEFAULT_RATE_LIMIT_PER_MINUTE; // true
 * ```
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60;
