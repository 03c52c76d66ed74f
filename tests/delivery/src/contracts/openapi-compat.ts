import type { Breaking } from './event-compat.js';
import {
  localRefResolver,
  removedFields,
  subsumes,
  type Issue,
  type JsonSchema,
  type RefResolver,
} from './schema-compat.js';

type Obj = Record<string, unknown>;

/** The slice of an OpenAPI 3.x document the check reads. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: Obj;
  [key: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

/** `/v1/orders/{id}` and `/v1/orders/{orderId}` are the same route to a client. */
function routeKey(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z_]\w*/g, '{}');
}

function operations(document: OpenApiDocument): Map<string, { label: string; op: Operation }> {
  const found = new Map<string, { label: string; op: Operation }>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const shared = (item.parameters ?? []) as Parameter[];
      const merged = { ...op, parameters: [...shared, ...(op.parameters ?? [])] };
      found.set(`${method.toUpperCase()} ${routeKey(path)}`, {
        label: `${method.toUpperCase()} ${path}`,
        op: merged,
      });
    }
  }
  return found;
}

function resolveParameter(parameter: Parameter, refs: RefResolver): Parameter {
  const ref = (parameter as unknown as Obj).$ref;
  return typeof ref === 'string' ? ((refs(ref) as unknown as Parameter) ?? parameter) : parameter;
}

/**
 * Compares a service's committed OpenAPI document with the one it serves now, from its
 * clients' side: every route still served; requests that were valid still accepted (no newly
 * required parameter or field, nothing retyped or narrowed, no field removed); responses still
 * what clients read (no field removed, retyped or made optional, no success status dropped).
 * A breaking change ships as a new route version (`/v2/...`) while the old one is still served.
 */
export function compareOpenApi(before: OpenApiDocument, after: OpenApiDocument): Breaking[] {
  const problems: Breaking[] = [];
  const beforeRefs = localRefResolver(before);
  const afterRefs = localRefResolver(after);
  const now = operations(after);
  for (const [key, { label, op }] of operations(before)) {
    const next = now.get(key);
    if (!next) {
      problems.push({
        where: label,
        message: 'route removed (serve the old version alongside a new one until clients move)',
      });
      continue;
    }
    const report = (part: string, issues: Issue[], prefix = '') => {
      for (const issue of issues) {
        problems.push({
          where: `${label} ${part}${issue.path === '/' ? '' : issue.path}`,
          message: `${prefix}${issue.message}`,
        });
      }
    };
    compareParameters(op, next.op, beforeRefs, afterRefs, report);
    compareRequestBody(op, next.op, beforeRefs, afterRefs, report);
    compareResponses(op, next.op, beforeRefs, afterRefs, report);
  }
  return problems;
}

type Report = (part: string, issues: Issue[], prefix?: string) => void;

function compareParameters(
  before: Operation,
  after: Operation,
  beforeRefs: RefResolver,
  afterRefs: RefResolver,
  report: Report,
) {
  const key = (p: Parameter) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
  const old = new Map(
    (before.parameters ?? []).map((p) => resolveParameter(p, beforeRefs)).map((p) => [key(p), p]),
  );
  const now = new Map(
    (after.parameters ?? []).map((p) => resolveParameter(p, afterRefs)).map((p) => [key(p), p]),
  );
  for (const [id, parameter] of now) {
    if (parameter.in === 'path') continue;
    const previous = old.get(id);
    if (parameter.required && !previous?.required) {
      report(`${parameter.in} ${parameter.name}`, [
        { path: '/', message: previous ? 'parameter became required' : 'newly required parameter' },
      ]);
    }
  }
  for (const [id, parameter] of old) {
    const next = now.get(id);
    if (parameter.in === 'path') continue;
    if (!next) {
      report(`${parameter.in} ${parameter.name}`, [{ path: '/', message: 'parameter removed' }]);
      continue;
    }
    if (parameter.schema !== undefined && next.schema !== undefined) {
      report(
        `${parameter.in} ${parameter.name}`,
        subsumes(next.schema, parameter.schema, { widerRefs: afterRefs, narrowerRefs: beforeRefs }),
        'old requests rejected: ',
      );
    }
  }
}

function compareRequestBody(
  before: Operation,
  after: Operation,
  beforeRefs: RefResolver,
  afterRefs: RefResolver,
  report: Report,
) {
  const old = before.requestBody;
  const now = after.requestBody;
  if (!now) return;
  if (now.required && !old?.required) {
    report('body', [{ path: '/', message: 'request body became required' }]);
  }
  if (!old) return;
  for (const [type, media] of Object.entries(old.content ?? {})) {
    const next = now.content?.[type];
    if (!next) {
      report(`body ${type}`, [{ path: '/', message: 'media type no longer accepted' }]);
      continue;
    }
    if (media.schema === undefined || next.schema === undefined) continue;
    report(
      'body',
      removedFields(media.schema, next.schema, { beforeRefs, afterRefs }),
      'old requests: ',
    );
    report(
      'body',
      subsumes(next.schema, media.schema, { widerRefs: afterRefs, narrowerRefs: beforeRefs }),
      'old requests rejected: ',
    );
  }
}

function compareResponses(
  before: Operation,
  after: Operation,
  beforeRefs: RefResolver,
  afterRefs: RefResolver,
  report: Report,
) {
  for (const [status, response] of Object.entries(before.responses ?? {})) {
    const next = after.responses?.[status];
    if (!next) {
      if (/^2/.test(status)) {
        report(`${status}`, [{ path: '/', message: 'success response removed' }]);
      }
      continue;
    }
    for (const [type, media] of Object.entries(response.content ?? {})) {
      const nextMedia = next.content?.[type];
      if (!nextMedia) {
        report(`${status} ${type}`, [{ path: '/', message: 'media type no longer sent' }]);
        continue;
      }
      if (media.schema === undefined || nextMedia.schema === undefined) continue;
      report(
        `${status}`,
        removedFields(media.schema, nextMedia.schema, { beforeRefs, afterRefs }),
        'clients lose: ',
      );
      report(
        `${status}`,
        subsumes(media.schema, nextMedia.schema, {
          widerRefs: beforeRefs,
          narrowerRefs: afterRefs,
          newer: 'narrower',
        }),
        'old clients break: ',
      );
    }
  }
}
