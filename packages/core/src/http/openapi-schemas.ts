import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { JsonSchema } from './openapi-types';

const COMPONENT_REF = '#/components/schemas/';
const LOCAL_REF = '#/$defs/';
/* zod names the defs it makes up (cycles without an id) `__schema0`, `__schema1`… per conversion. */
const MADE_UP_DEF = /^__schema\d+$/;

/**
 * Turns zod schemas into the JSON Schemas of one OpenAPI document: every schema carrying
 * `.meta({ id })` becomes one `components.schemas` entry, referenced by `$ref`.
 *
 * @example
 * ```ts
 * const components = createSchemaComponents();
 * components.output(integrationWireSchema); // { $ref: '#/components/schemas/Integration' }
 * components.schemas.Integration;           // { type: 'object', properties: { … } }
 * ```
 */
export interface SchemaComponents {
  /** What the API answers (zod's output side). Convert every output before the first input. */
  output(schema: z.ZodType): JsonSchema;
  /**
   * What callers send (zod's input side: defaults make fields optional, coercions show their
   * input). An id also used on the output side is named `<id>Input`, since the two sides may differ.
   */
  input(schema: z.ZodType): JsonSchema;
  /** `components.schemas`: filled as schemas are converted. */
  readonly schemas: Record<string, JsonSchema>;
}

function mapRefs(node: unknown, map: (ref: string) => string): unknown {
  if (Array.isArray(node)) return node.map((item) => mapRefs(item, map));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? map(value) : mapRefs(value, map)]),
  );
}

function unnamedCycle(): Error {
  return new Error('A recursive schema needs .meta({ id }) to be referenced from the OpenAPI document.');
}

/**
 * Creates an empty {@link SchemaComponents}; one per document, so nothing is shared between handlers.
 *
 * @example
 * ```ts
 * const components = createSchemaComponents();
 * const body = components.input(integrationCreateBodySchema);
 * ```
 */
export function createSchemaComponents(): SchemaComponents {
  const schemas: Record<string, JsonSchema> = {};
  const outputIds = new Set<string>();
  let convertedInput = false;

  function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, $defs, ...root } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    const name = (id: string) => (io === 'input' && outputIds.has(id) ? `${id}Input` : id);
    const rewrite = (node: JsonSchema) =>
      mapRefs(node, (ref) => {
        const id = ref.startsWith(LOCAL_REF) ? ref.slice(LOCAL_REF.length) : '';
        if (id === '' || MADE_UP_DEF.test(id)) throw unnamedCycle();
        return COMPONENT_REF + name(id);
      }) as JsonSchema;

    for (const [id, def] of Object.entries($defs ?? {})) {
      if (io === 'output') outputIds.add(id);
      const component = rewrite(def);
      const existing = schemas[name(id)];
      if (existing !== undefined && !isDeepStrictEqual(existing, component)) {
        throw new Error(`Two different schemas carry the id '${id}'.`);
      }
      schemas[name(id)] = component;
    }
    return rewrite(root);
  }

  return {
    schemas,
    output(schema) {
      if (convertedInput) throw new Error('Convert every output schema before the first input schema.');
      return convert(schema, 'output');
    },
    input(schema) {
      convertedInput = true;
      return convert(schema, 'input');
    },
  };
}

/**
 * Follows a `$ref` to `components.schemas`, once; any other schema is answered as it is.
 *
 * @returns the schema referred to, or undefined when the reference points nowhere.
 * @example
 * ```ts
 * resolveSchema({ $ref: '#/components/schemas/Integration' }, document.components.schemas);
 * ```
 */
export function resolveSchema(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema | undefined {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return ref.startsWith(COMPONENT_REF) ? components[ref.slice(COMPONENT_REF.length)] : undefined;
}
