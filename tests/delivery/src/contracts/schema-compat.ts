/**
 * Structural compatibility of two JSON Schemas (what TypeBox emits and OpenAPI 3.1 carries).
 *
 * The question asked is always "does `wider` accept every value `narrower` accepts?", answered
 * conservatively from the schemas' structure, plus one rule that is about people rather than
 * values: a field that existed and is gone is a break, whatever the schemas allow.
 *
 * Two pragmatic choices keep additive changes passing:
 * - a property that only the wider schema declares, as optional, is fine even when the narrower
 *   object is open (in theory it could carry that name with another type; in practice nobody
 *   sends undeclared fields on purpose);
 * - annotations (`description`, `title`, `examples`, `default`, ...) are ignored.
 */

export type JsonSchema = Record<string, unknown> | boolean;

export interface Issue {
  /** Where, in JSON-pointer-like form relative to the compared schemas (`/lines/[]/quantity`). */
  path: string;
  message: string;
}

/** Resolves a local `$ref` (`#/components/schemas/x`) against the document it came from. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

const noRefs: RefResolver = () => undefined;

/** A resolver for `#/...` pointers into `root`. */
export function localRefResolver(root: unknown): RefResolver {
  return (ref) => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node as JsonSchema;
  };
}

interface Side {
  schema: JsonSchema;
  resolve: RefResolver;
}

type Obj = Record<string, unknown>;

function deref(side: Side, seen = new Set<string>()): Side {
  const { schema } = side;
  if (typeof schema === 'object' && typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (seen.has(ref)) return { schema: {}, resolve: side.resolve };
    seen.add(ref);
    const target = side.resolve(ref);
    if (target === undefined) return { schema: {}, resolve: side.resolve };
    return deref({ schema: target, resolve: side.resolve }, seen);
  }
  return side;
}

function isAny(schema: JsonSchema): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  const keys = Object.keys(schema).filter((k) => !ANNOTATIONS.has(k));
  return keys.length === 0;
}

const ANNOTATIONS = new Set([
  'description',
  'title',
  'examples',
  'example',
  'default',
  '$id',
  '$schema',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  'x-examples',
]);

/** The union branches of a schema (`anyOf`/`oneOf`), or undefined when it is not a union. */
function branches(schema: Obj): JsonSchema[] | undefined {
  const list = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return Array.isArray(list) ? list : undefined;
}

/** The JSON types a schema admits, or undefined when it does not constrain the type. */
function typesOf(schema: Obj): Set<string> | undefined {
  if ('const' in schema) return new Set([jsonType(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(jsonType));
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type as string[]);
  if (schema.properties || schema.patternProperties || 'additionalProperties' in schema) {
    return new Set(['object']);
  }
  if (schema.items) return new Set(['array']);
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeAccepted(wider: Set<string> | undefined, type: string): boolean {
  if (!wider) return true;
  return wider.has(type) || (type === 'integer' && wider.has('number'));
}

function valuesOf(schema: Obj): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function describeTypes(types: Set<string> | undefined): string {
  return types ? [...types].sort().join(' | ') : 'any';
}

/**
 * The problems that stop `wider` from accepting everything `narrower` accepts; empty when it
 * does (as far as structure can tell).
 */
export function subsumes(
  wider: JsonSchema,
  narrower: JsonSchema,
  options: {
    widerRefs?: RefResolver;
    narrowerRefs?: RefResolver;
    /** Which side is the newer schema, for the wording of messages (default: the wider). */
    newer?: 'wider' | 'narrower';
  } = {},
): Issue[] {
  const issues: Issue[] = [];
  compare(
    { schema: wider, resolve: options.widerRefs ?? noRefs },
    { schema: narrower, resolve: options.narrowerRefs ?? noRefs },
    '',
    { issues, newerIsWider: options.newer !== 'narrower' },
    0,
  );
  return issues.map(({ path, message }) => ({ path, message }));
}

interface Ctx {
  issues: Issue[];
  newerIsWider: boolean;
}

const MAX_DEPTH = 64;

function compare(widerSide: Side, narrowerSide: Side, path: string, ctx: Ctx, depth: number) {
  const issues = ctx.issues;
  if (depth > MAX_DEPTH) return;
  const W = deref(widerSide);
  const N = deref(narrowerSide);
  const at = path || '/';
  if (isAny(W.schema)) return;
  if (N.schema === false) return;
  if (N.schema === true || W.schema === false || isAny(N.schema)) {
    issues.push({ path: at, message: 'accepted anything before, now constrained' });
    return;
  }
  const w = W.schema as Obj;
  const n = N.schema as Obj;

  const nBranches = branches(n);
  if (nBranches) {
    for (const branch of nBranches) {
      compare(W, { schema: branch, resolve: N.resolve }, path, ctx, depth + 1);
    }
    return;
  }
  const wBranches = branches(w);
  if (wBranches) {
    let best: Issue[] | undefined;
    for (const branch of wBranches) {
      const found: Issue[] = [];
      compare(
        { schema: branch, resolve: W.resolve },
        N,
        path,
        { ...ctx, issues: found },
        depth + 1,
      );
      if (!best || found.length < best.length) best = found;
      if (found.length === 0) return;
    }
    // No branch takes it whole: report the closest branch's problems when the types fit,
    // otherwise the plain type mismatch.
    const nTypes = typesOf(n);
    const fits = wBranches.some((b) => {
      const t = typesOf(deref({ schema: b, resolve: W.resolve }).schema as Obj);
      return !nTypes || [...nTypes].every((type) => typeAccepted(t, type));
    });
    if (fits && best) issues.push(...best);
    else issues.push({ path: at, message: `type changed: ${describeUnion(W, wBranches, n)}` });
    return;
  }

  const wTypes = typesOf(w);
  const nTypes = typesOf(n);
  if (wTypes) {
    if (!nTypes) {
      issues.push({ path: at, message: `type narrowed from any to ${describeTypes(wTypes)}` });
      return;
    }
    const lost = [...nTypes].filter((t) => !typeAccepted(wTypes, t));
    if (lost.length > 0) {
      issues.push({
        path: at,
        message: `type changed between ${describeTypes(nTypes)} and ${describeTypes(wTypes)}`,
      });
      return;
    }
  }

  const wValues = valuesOf(w);
  if (wValues) {
    const nValues = valuesOf(n);
    if (!nValues) {
      issues.push({ path: at, message: `restricted to ${JSON.stringify(wValues)}` });
    } else {
      const missing = nValues.filter((v) => !wValues.some((x) => same(x, v)));
      if (missing.length > 0) {
        issues.push({ path: at, message: `allowed values differ: ${JSON.stringify(missing)}` });
      }
    }
    return;
  }

  compareBounds(w, n, at, ctx);
  for (const key of ['pattern', 'format']) {
    if (typeof w[key] === 'string' && w[key] !== n[key]) {
      const [from, to] = ctx.newerIsWider ? [n[key], w[key]] : [w[key], n[key]];
      issues.push({
        path: at,
        message: `${key} changed from ${from ?? 'none'} to ${to ?? 'none'}`,
      });
    }
  }

  const types = wTypes ?? nTypes;
  if (!types || types.has('array')) compareArrays(W, N, path, ctx, depth);
  if (!types || types.has('object')) compareObjects(W, N, path, ctx, depth);
}

function describeUnion(W: Side, wBranches: JsonSchema[], n: Obj): string {
  const wTypes = new Set<string>();
  for (const b of wBranches) {
    const t = typesOf(deref({ schema: b, resolve: W.resolve }).schema as Obj);
    if (t) t.forEach((x) => wTypes.add(x));
  }
  return `${describeTypes(typesOf(n))} is not among ${describeTypes(wTypes)}`;
}

/** Lower bounds may only go down and upper bounds only up for the wider schema. */
function compareBounds(w: Obj, n: Obj, at: string, ctx: Ctx) {
  const verb = ctx.newerIsWider ? 'tightened' : 'loosened';
  const describe = (key: string) =>
    ctx.newerIsWider
      ? `${key} ${verb} to ${w[key]} (was ${n[key] ?? 'none'})`
      : `${key} ${verb} to ${n[key] ?? 'none'} (was ${w[key]})`;
  const lower = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
  const upper = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
  for (const key of lower) {
    if (typeof w[key] !== 'number') continue;
    if (typeof n[key] !== 'number' || (n[key] as number) < (w[key] as number)) {
      ctx.issues.push({ path: at, message: describe(key) });
    }
  }
  for (const key of upper) {
    if (typeof w[key] !== 'number') continue;
    if (typeof n[key] !== 'number' || (n[key] as number) > (w[key] as number)) {
      ctx.issues.push({ path: at, message: describe(key) });
    }
  }
}

function compareArrays(W: Side, N: Side, path: string, ctx: Ctx, depth: number) {
  const w = W.schema as Obj;
  const n = N.schema as Obj;
  if (w.items === undefined) return;
  compare(
    { schema: w.items as JsonSchema, resolve: W.resolve },
    { schema: (n.items as JsonSchema | undefined) ?? {}, resolve: N.resolve },
    `${path}/[]`,
    ctx,
    depth + 1,
  );
}

function compareObjects(W: Side, N: Side, path: string, ctx: Ctx, depth: number) {
  const issues = ctx.issues;
  const w = W.schema as Obj;
  const n = N.schema as Obj;
  const wProps = (w.properties ?? {}) as Record<string, JsonSchema>;
  const nProps = (n.properties ?? {}) as Record<string, JsonSchema>;
  const wRequired = new Set((w.required ?? []) as string[]);
  const nRequired = new Set((n.required ?? []) as string[]);
  const wClosed = w.additionalProperties === false;
  const nClosed = n.additionalProperties === false;

  for (const [name, nProp] of Object.entries(nProps)) {
    const wProp = wProps[name];
    if (wProp !== undefined) {
      compare(
        { schema: wProp, resolve: W.resolve },
        { schema: nProp, resolve: N.resolve },
        `${path}/${name}`,
        ctx,
        depth + 1,
      );
    } else if (wClosed) {
      issues.push({
        path: `${path}/${name}`,
        message: ctx.newerIsWider
          ? 'field no longer accepted (closed object)'
          : 'field added to an object old readers keep closed',
      });
    } else if (isObj(w.additionalProperties)) {
      compare(
        { schema: w.additionalProperties as JsonSchema, resolve: W.resolve },
        { schema: nProp, resolve: N.resolve },
        `${path}/${name}`,
        ctx,
        depth + 1,
      );
    }
  }
  for (const name of wRequired) {
    if (!nRequired.has(name)) {
      const absent = nProps[name] === undefined;
      const message = ctx.newerIsWider
        ? absent
          ? 'newly required field'
          : 'field became required'
        : absent
          ? 'field no longer guaranteed'
          : 'field became optional';
      issues.push({ path: `${path}/${name}`, message });
    }
  }
  if (wClosed && !nClosed && !n.patternProperties && !isObj(n.additionalProperties)) {
    issues.push({
      path: path || '/',
      message: ctx.newerIsWider
        ? 'object closed to unknown fields'
        : 'object no longer closed: readers that reject unknown fields break',
    });
  }

  // Records (`patternProperties`, schema-valued `additionalProperties`): values must still fit.
  const wPatterns = (w.patternProperties ?? {}) as Record<string, JsonSchema>;
  const nPatterns = (n.patternProperties ?? {}) as Record<string, JsonSchema>;
  for (const [pattern, nValue] of Object.entries(nPatterns)) {
    const wValue =
      wPatterns[pattern] ?? (isObj(w.additionalProperties) ? w.additionalProperties : undefined);
    if (wValue !== undefined) {
      compare(
        { schema: wValue as JsonSchema, resolve: W.resolve },
        { schema: nValue, resolve: N.resolve },
        `${path}/{${pattern}}`,
        ctx,
        depth + 1,
      );
    } else if (wClosed) {
      issues.push({ path: `${path}/{${pattern}}`, message: 'map entries no longer accepted' });
    }
  }
  if (isObj(w.additionalProperties) && isObj(n.additionalProperties)) {
    compare(
      { schema: w.additionalProperties as JsonSchema, resolve: W.resolve },
      { schema: n.additionalProperties as JsonSchema, resolve: N.resolve },
      `${path}/{*}`,
      ctx,
      depth + 1,
    );
  }
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fields declared by `before` that `after` no longer declares, anywhere the two schemas still
 * line up (through objects, arrays and same-shaped unions). A removed field is a break for
 * whoever reads or sends it, whatever the schemas would still let through.
 */
export function removedFields(
  before: JsonSchema,
  after: JsonSchema,
  options: { beforeRefs?: RefResolver; afterRefs?: RefResolver } = {},
): Issue[] {
  const issues: Issue[] = [];
  walkRemoved(
    { schema: before, resolve: options.beforeRefs ?? noRefs },
    { schema: after, resolve: options.afterRefs ?? noRefs },
    '',
    issues,
    0,
  );
  return issues;
}

function walkRemoved(B: Side, A: Side, path: string, issues: Issue[], depth: number) {
  if (depth > MAX_DEPTH) return;
  const b = deref(B).schema;
  const a = deref(A).schema;
  if (!isObj(b) || !isObj(a)) return;
  const resolveB = deref(B).resolve;
  const resolveA = deref(A).resolve;
  const bBranches = branches(b);
  const aBranches = branches(a);
  if (bBranches || aBranches) {
    // Match branches of the same shape (object with object, array with array).
    const before = bBranches ?? [b];
    const after = aBranches ?? [a];
    for (const bb of before) {
      const bs = deref({ schema: bb, resolve: resolveB }).schema;
      if (!isObj(bs)) continue;
      const shape = typesOf(bs);
      const match = after.find((ab) => {
        const as = deref({ schema: ab, resolve: resolveA }).schema;
        return isObj(as) && same([...(typesOf(as) ?? [])].sort(), [...(shape ?? [])].sort());
      });
      if (match !== undefined) {
        walkRemoved(
          { schema: bb, resolve: resolveB },
          { schema: match, resolve: resolveA },
          path,
          issues,
          depth + 1,
        );
      }
    }
    return;
  }
  if (isObj(b.properties)) {
    const aProps = (isObj(a.properties) ? a.properties : {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(b.properties as Record<string, JsonSchema>)) {
      if (aProps[name] === undefined) {
        issues.push({ path: `${path}/${name}`, message: 'field removed' });
      } else {
        walkRemoved(
          { schema, resolve: resolveB },
          { schema: aProps[name], resolve: resolveA },
          `${path}/${name}`,
          issues,
          depth + 1,
        );
      }
    }
  }
  if (b.items !== undefined && a.items !== undefined) {
    walkRemoved(
      { schema: b.items as JsonSchema, resolve: resolveB },
      { schema: a.items as JsonSchema, resolve: resolveA },
      `${path}/[]`,
      issues,
      depth + 1,
    );
  }
}
