import { z } from 'zod';
import type { Gateway } from '../gateway';
import { functionOption, instanceOption, loggerOption, numberOption } from '../schemas/options';
import type { HttpHandlerOptions } from './handler';
import type { OpenApiInfo } from './openapi-types';
import type { Route } from './route';

const limitsShape = {
  maxBodyBytes: numberOption.optional(),
  maxBytesInFlight: numberOption.optional(),
} satisfies Record<keyof NonNullable<HttpHandlerOptions['limits']>, z.ZodType>;

const openapiShape = {
  title: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  servers: z.array(z.strictObject({ url: z.string(), description: z.string().optional() })).optional(),
} satisfies Record<keyof OpenApiInfo, z.ZodType>;

/**
 * The gateway argument of `createHttpHandler`, checked loosely by a few of its members.
 *
 * @example
 * ```ts
 * checkOptions(gatewayArgumentSchema, gateway, 'createHttpHandler gateway');
 * ```
 */
export const gatewayArgumentSchema = instanceOption<Gateway>('Gateway (see createGateway())', {
  integrations: 'object',
  receiveWebhook: 'function',
  logger: 'object',
});

/**
 * The shape of {@link HttpHandlerOptions}; ranges are checked where the limits are applied.
 *
 * @example
 * ```ts
 * checkOptions(httpHandlerOptionsSchema, { prefx: '/gw' }, 'createHttpHandler options');
 * // TypeError: Invalid createHttpHandler options: Unknown option 'prefx'
 * ```
 */
export const httpHandlerOptionsSchema = z.strictObject({
  prefix: z.string().optional(),
  authenticate: functionOption<NonNullable<HttpHandlerOptions['authenticate']>>().optional(),
  policy: z.record(z.string(), z.array(z.string()).readonly()).optional(),
  limits: z.strictObject(limitsShape).optional(),
  routes: z
    .array(instanceOption<Route>('Route (see defineRoute())', { handle: 'function' }))
    .readonly()
    .optional(),
  openapi: z.strictObject(openapiShape).optional(),
  logger: loggerOption.optional(),
} satisfies Record<keyof HttpHandlerOptions, z.ZodType>);
