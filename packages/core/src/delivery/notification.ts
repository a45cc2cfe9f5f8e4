import { z } from 'zod';

/**
 * What `gateway.send` takes: the original router's `OutboundPayload`.
 *
 * @example
 * ```ts
 * notificationInputSchema.parse({ event: 'TICKET_CREATED', message: 'SR-1042 opened' }).severity; // 'INFO'
 * ```
 */
export const notificationInputSchema = z.strictObject({
  event: z.string().trim().min(1).max(200).describe('What happened, e.g. `TICKET_CREATED`; logged as `SEND_<event>`.'),
  message: z.string().max(10_000).describe('A human summary.'),
  data: z.record(z.string(), z.unknown()).default({}).describe('Details for the receiver.'),
  severity: z.string().trim().min(1).max(50).default('INFO').describe('E.g. `INFO`, `WARNING`, `CRITICAL`.'),
});

/** Input of `gateway.send`, before defaults apply. */
export type NotificationInput = z.input<typeof notificationInputSchema>;

/**
 * The body a receiver gets, as the original sent it: `{ event, message, severity, data, source,
 * sent_at }`. Serialised once, when the notification is queued: every retry sends, and signs,
 * these very bytes.
 *
 * @example
 * ```ts
 * notificationBody({ event: 'TICKET_CREATED', message: 'SR-1042 opened', severity: 'INFO', data: {} }, 'portico', Date.now());
 * // '{"event":"TICKET_CREATED","message":"SR-1042 opened","severity":"INFO","data":{},"source":"portico","sent_at":"…"}'
 * ```
 */
export function notificationBody(notification: z.output<typeof notificationInputSchema>, source: string, nowMs: number): string {
  const { event, message, severity, data } = notification;
  return JSON.stringify({ event, message, severity, data, source, sent_at: new Date(nowMs).toISOString() });
}

/**
 * A stored body as a value to log or show (to be masked by the caller): the JSON it holds, or
 * the text itself should it not be JSON.
 *
 * @example
 * ```ts
 * mask(bodyValue(delivery.body));
 * ```
 */
export function bodyValue(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
