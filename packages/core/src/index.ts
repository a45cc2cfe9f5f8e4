export * from './errors';
export * from './clock';
export * from './ids';
export * from './model';
export * from './storage/records';
export * from './storage/storage';
export * from './storage/memory-storage';
export { usageDeltas } from './storage/usage-deltas';
export * from './storage/cursor';
export * from './rate-limit/rate-limiter';
export * from './rate-limit/memory-rate-limiter';
export * from './logger';
export { mask, maskText, createMasker, type MaskOptions, type Masker } from './mask/mask';
export { isSensitiveKey } from './mask/sensitive-key';
export { generateApiKey, parseApiKey, hashApiKey, apiKeyPattern, type ApiKey, type GeneratedApiKey } from './keys/api-key';
export {
  sealSecret,
  openSecret,
  sealedKeyId,
  assertKeyRing,
  keyRingFromBase64,
  generateKeyRing,
  type KeyRing,
  type SealContext,
} from './crypto/key-ring';
export { digestsEqual } from './crypto/digests-equal';
export { verifySignature } from './inbound/signatures/verify';
export { signStandardWebhook } from './inbound/signatures/standard';
export { generateWebhookSecret, isValidWebhookSecret } from './inbound/signatures/secret';
export type { SignatureHeaders, SignatureInput, SignatureResult, SignatureFailure } from './inbound/signatures/types';
export type { HeaderMap, WebhookRequest, InboundEvent, WebhookAccepted } from './inbound/inbound-event';
export type { WebhookHandler, WebhookHandlerContext } from './inbound/handoff';
export { DEFAULT_HANDOFF_SCHEDULE_MS, type HandoffOptions } from './inbound/handoff-options';
export { inboxStatuses, eventQuerySchema, type Events, type EventQueryInput, type InboxEvent, type InboxEventDetail } from './inbound/events';
export * from './schemas/fields';
export * from './schemas/inputs';
export { parseInput } from './schemas/parse';
export type { Integration, IntegrationStats } from './registry/integration';
export type { IntegrationRegistry, CreatedIntegration, RotatedKey, RotatedSecret, IntegrationList, ResealResult } from './registry/integration-registry';
export { secretRotationSchema, type SecretRotation } from './registry/secret-rotation';
export type { LogOptions, LogRecord } from './logs/log-writer';
export type { UsageOptions, UsageOutcome } from './usage/usage-recorder';
export type { UsagePoint, UsageSeries } from './usage/usage-series';
export { MAX_USAGE_POINTS } from './usage/usage-series';
export { DEFAULT_RETRY_SCHEDULE_MS, type DeliveryOptions } from './delivery/delivery-options';
export type { EgressOptions } from './delivery/outbound';
export { notificationInputSchema, type NotificationInput } from './delivery/notification';
export type { SendResult } from './delivery/send-notification';
export type { EndpointTestResult } from './delivery/endpoint-test';
export { deliveryStatuses, deliveryQuerySchema, type Deliveries, type DeliveryQueryInput } from './delivery/deliveries';
export * from './gateway';
export * from './http/wire';
export {
  defineRoute,
  type Route,
  type RouteAccess,
  type RouteContext,
  type RouteResult,
  type RouteResponse,
  type HttpRequest,
  type HttpResponse,
  type BodyReader,
  type Principal,
} from './http/route';
export { createHttpHandler, defaultPolicy, type AccessPolicy, type HttpHandler, type HttpHandlerOptions } from './http/handler';
export { gatewayRoutes } from './http/gateway-routes';
export { readNodeBody } from './http/node-body';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './http/openapi';
export type {
  JsonSchema,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
  OpenApiContent,
  OpenApiSecurityScheme,
  OpenApiHeader,
  OpenApiMethod,
} from './http/openapi-types';
export {
  createEgressPolicy,
  parseEgressRules,
  checkEgress,
  DEFAULT_EGRESS_RULES,
  type EgressRule,
  type EgressPolicy,
  type EgressPolicyOptions,
  type EgressDecision,
  type EgressDestination,
} from './egress/egress-policy';
export {
  createEgressClient,
  type EgressClient,
  type EgressClientOptions,
  type EgressRequest,
  type EgressResponse,
} from './egress/egress-client';
export { createGuardedConnector, type EgressLookup, type GuardedConnectorOptions } from './egress/guarded-connector';
