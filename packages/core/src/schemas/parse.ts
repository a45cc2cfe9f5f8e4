import type { z } from 'zod';
import { PorticoError, type FieldIssue } from '../errors';

type Schema = z.core.$ZodType;

/** The parts of zod's schema definitions that lead from a path to the object schema at its end. */
interface SchemaDef {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  valueType?: Schema;
  items?: readonly Schema[];
  options?: readonly Schema[];
  left?: Schema;
  right?: Schema;
  getter?: () => Schema;
}

const defOf = (schema: Schema) => schema._zod.def as unknown as SchemaDef;

/** The schemas a value may meet where `schema` stands: wrappers, pipes, unions and lazies opened. */
function alternatives(schema: Schema): Schema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return alternatives(def.innerType!);
    case 'pipe':
      return [...alternatives(def.in!), ...alternatives(def.out!)];
    case 'lazy':
      return alternatives(def.getter!());
    case 'union':
      return def.options!.flatMap(alternatives);
    case 'intersection':
      return [...alternatives(def.left!), ...alternatives(def.right!)];
    default:
      return [schema];
  }
}

function childrenOf(schema: Schema, key: string): Schema[] {
  const def = defOf(schema);
  if (def.type === 'object') {
    const child = Object.hasOwn(def.shape!, key) ? def.shape![key] : def.catchall;
    return child ? [child] : [];
  }
  if (def.type === 'record') return [def.valueType!];
  if (def.type === 'array') return [def.element!];
  if (def.type === 'tuple') return def.items?.[Number(key)] ? [def.items[Number(key)]!] : [];
  return [];
}

/** The keys the object schema at `path` declares: what an unknown key there may have meant. */
function knownKeys(schema: Schema, path: readonly PropertyKey[]): string[] {
  let here = alternatives(schema);
  for (const key of path) here = here.flatMap((candidate) => childrenOf(candidate, String(key))).flatMap(alternatives);
  return [...new Set(here.flatMap((candidate) => (defOf(candidate).type === 'object' ? Object.keys(defOf(candidate).shape!) : [])))];
}

// `signatureScheme`, `signature_scheme`, `SignatureScheme` and `signature-scheme` are one name
// spelt four ways: the usual slip between the JS API and the wire.
const spelling = (key: string) => key.replaceAll(/[_-]/g, '').toLowerCase();

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let here = value;
  for (const key of path) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, key)) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** A failing field and the line it takes in a one-line summary. */
export interface DescribedIssue extends FieldIssue {
  summary: string;
}

/**
 * Turns zod's issues into one entry per failing field: each unknown key under its own path, with
 * the known key it is another spelling of (camelCase, snake_case, other letter case), and a
 * missing field as `Required` rather than zod's "expected string, received undefined".
 *
 * @param noun what an unknown key is called in messages: `field` for inputs, `option` for options
 * @example
 * ```ts
 * const result = integrationInputSchema.safeParse(input);
 * if (!result.success) describeIssues(integrationInputSchema, input, result.error.issues, 'field');
 * // [{ path: 'rate_limit', message: "Unknown field 'rate_limit'; did you mean 'rateLimit'?", summary: … }]
 * ```
 */
export function describeIssues(schema: Schema, value: unknown, issues: readonly z.core.$ZodIssue[], noun: string): DescribedIssue[] {
  return issues.flatMap((issue): DescribedIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const path = dotted([...issue.path, key]);
        const meant = known.find((candidate) => spelling(candidate) === spelling(key));
        const message = `Unknown ${noun} '${path}'${meant === undefined ? '' : `; did you mean '${dotted([...issue.path, meant])}'?`}`;
        return { path, message, summary: message };
      });
    }
    const path = dotted(issue.path) || '(root)';
    // A refinement may point at a field it found absent on purpose; every other check failing on
    // nothing means the field was left out.
    const message = issue.code !== 'custom' && valueAt(value, issue.path) === undefined ? 'Required' : issue.message;
    return [{ path, message, summary: `${path}: ${message}` }];
  });
}

/**
 * Validates `value` with `schema` and returns the parsed result, or throws a `VALIDATION_FAILED`
 * {@link PorticoError} that lists every failing field.
 *
 * @example
 * ```ts
 * const input = parseInput(integrationInputSchema, body);
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const described = describeIssues(schema, value, result.error.issues, 'field');
  const fields: FieldIssue[] = described.map(({ path, message }) => ({ path, message }));
  throw new PorticoError('VALIDATION_FAILED', `Invalid ${what}: ${described.map((issue) => issue.summary).join('; ')}`, { fields });
}
