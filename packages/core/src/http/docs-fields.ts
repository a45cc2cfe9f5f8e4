import { resolveSchema } from './openapi-schemas';
import type { JsonSchema } from './openapi-types';

/**
 * One row of a field table: a property of a schema, nested ones named by their path.
 *
 * @example
 * ```ts
 * const row: FieldRow = { parent: 'stats.', name: 'total_requests', type: 'integer', required: true, notes: [] };
 * ```
 */
export interface FieldRow {
  /** The path of the enclosing field, e.g. `integrations[].`; empty at the top. */
  parent: string;
  name: string;
  type: string;
  required: boolean;
  /** Inline markdown: the description, then constraints. */
  notes: string[];
}

const MAX_DEPTH = 8;
/* Bounds the page whatever a schema looks like. */
const MAX_ROWS = 500;
const REF_NAME = /([^/]+)$/;

const isSchema = (value: unknown): value is JsonSchema => value !== null && typeof value === 'object' && !Array.isArray(value);
const schemaList = (value: unknown): JsonSchema[] => (Array.isArray(value) ? value.filter(isSchema) : []);
const code = (value: unknown) => `\`${JSON.stringify(value)}\``;
/* zod gives every z.int() the safe-integer bounds: true, and nothing a reader needs. */
const meaningful = (bound: unknown) => typeof bound === 'number' && Math.abs(bound) < Number.MAX_SAFE_INTEGER;

/**
 * A short name of a schema's type: `string (date-time) | null`, `array of Integration`, `map of string`.
 *
 * @example
 * ```ts
 * typeLabel({ type: ['string', 'null'], format: 'date-time' }); // 'string (date-time) | null'
 * typeLabel({ type: 'array', items: { $ref: '#/components/schemas/LogEntry' } }); // 'array of LogEntry'
 * ```
 */
export function typeLabel(schema: JsonSchema, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  if (typeof schema.$ref === 'string') return REF_NAME.exec(schema.$ref)?.[1] ?? schema.$ref;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const branches = schemaList(schema.anyOf ?? schema.oneOf);
  if (branches.length > 0) return branches.map((branch) => typeLabel(branch, depth + 1)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return isSchema(schema.properties) ? 'object' : 'any';
  return types
    .map((type) => {
      if (type === 'array') return isSchema(schema.items) ? `array of ${typeLabel(schema.items, depth + 1)}` : 'array';
      if (type === 'object' && !isSchema(schema.properties) && isSchema(schema.additionalProperties)) {
        return `map of ${typeLabel(schema.additionalProperties, depth + 1)}`;
      }
      return typeof schema.format === 'string' ? `${String(type)} (${schema.format})` : String(type);
    })
    .join(' | ');
}

function notes(schema: JsonSchema): string[] {
  const result: string[] = [];
  if (typeof schema.description === 'string') result.push(schema.description);
  if (Array.isArray(schema.enum)) result.push(`One of ${schema.enum.map(code).join(', ')}.`);
  if (schema.default !== undefined) result.push(`Default ${code(schema.default)}.`);
  const bounds: [string, unknown][] = [
    ['at least', schema.minimum],
    ['at most', schema.maximum],
    ['length at least', schema.minLength],
    ['length at most', schema.maxLength],
    ['items at most', schema.maxItems],
  ];
  const limits = bounds.filter(([, bound]) => meaningful(bound)).map(([label, bound]) => `${label} ${String(bound)}`);
  if (limits.length > 0) result.push(`${limits.join(', ')}.`.replace(/^./, (first) => first.toUpperCase()));
  return result;
}

/** The object a field holds, looking through references, `null` alternatives and arrays. */
function nested(schema: JsonSchema, components: Record<string, JsonSchema>, refs: ReadonlySet<string>) {
  let current = schema;
  let suffix = '.';
  const seen = new Set(refs);
  for (let step = 0; step < MAX_DEPTH; step++) {
    if (typeof current.$ref === 'string') {
      if (seen.has(current.$ref)) return null;
      seen.add(current.$ref);
    }
    const resolved = resolveSchema(current, components);
    if (!resolved) return null;
    const options = schemaList(resolved.anyOf ?? resolved.oneOf).filter((option) => option.type !== 'null');
    if (options.length === 1 && options[0]) {
      current = options[0];
    } else if (isSchema(resolved.items)) {
      current = resolved.items;
      suffix = `[]${suffix}`;
    } else {
      return isSchema(resolved.properties) ? { object: resolved, suffix, refs: seen } : null;
    }
  }
  return null;
}

function collect(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  parent: string,
  refs: ReadonlySet<string>,
  rows: FieldRow[],
): void {
  if (rows.length >= MAX_ROWS || parent.split('.').length > MAX_DEPTH) return;
  const found = nested(schema, components, refs);
  if (!found) return;
  const prefix = parent === '' && found.suffix === '.' ? '' : `${parent}${found.suffix}`;
  const required = new Set(Array.isArray(found.object.required) ? found.object.required : []);
  for (const [name, property] of Object.entries(found.object.properties as Record<string, unknown>)) {
    if (!isSchema(property)) continue;
    rows.push({ parent: prefix, name, type: typeLabel(property), required: required.has(name), notes: notes(property) });
    collect(property, components, `${prefix}${name}`, found.refs, rows);
  }
}

/**
 * The fields of a schema as table rows, nested objects and arrays of objects included,
 * references resolved against `components`. A schema that refers back to itself is not
 * followed twice along one path.
 *
 * @example
 * ```ts
 * fieldRows({ $ref: '#/components/schemas/IntegrationList' }, document.components.schemas);
 * // [{ parent: '', name: 'total', … }, { parent: '', name: 'integrations', … }, { parent: 'integrations[].', name: 'int_id', … }, …]
 * ```
 */
export function fieldRows(schema: JsonSchema, components: Record<string, JsonSchema>): FieldRow[] {
  const rows: FieldRow[] = [];
  collect(schema, components, '', new Set(), rows);
  return rows;
}
