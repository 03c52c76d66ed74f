import { breakingChanges, formatProblems } from '../src/contracts/contract-check.js';
import {
  localRefResolver,
  removedFields,
  subsumes,
  type JsonSchema,
} from '../src/contracts/schema-compat.js';

const messages = (issues: { path: string; message: string }[]) =>
  issues.map((i) => `${i.path}: ${i.message}`);

describe('schema subsumption', () => {
  it('when the wider schema accepts anything or the narrower nothing, then it passes', () => {
    expect(subsumes({}, { type: 'string' })).toEqual([]);
    expect(subsumes(true, { type: 'string' })).toEqual([]);
    expect(subsumes({ type: 'string' }, false)).toEqual([]);
    expect(subsumes({ description: 'only words' }, { type: 'integer' })).toEqual([]);
  });

  it('when an unconstrained schema gains a type or rejects everything, then it is reported', () => {
    expect(messages(subsumes({ type: 'string' }, {}))).toEqual([
      '/: accepted anything before, now constrained',
    ]);
    expect(messages(subsumes(false, { type: 'string' }))).toEqual([
      '/: accepted anything before, now constrained',
    ]);
    expect(messages(subsumes({ type: 'object', properties: {} }, { minimum: 1 }))).toEqual([
      '/: type narrowed from any to object',
    ]);
  });

  it('when integers become numbers, then old integers still fit; the reverse does not', () => {
    expect(subsumes({ type: 'number' }, { type: 'integer' })).toEqual([]);
    expect(messages(subsumes({ type: 'integer' }, { type: ['number', 'null'] }))).toEqual([
      '/: type changed between null | number and integer',
    ]);
  });

  it('when formats, patterns and bounds change, then the side that loses values is named', () => {
    const before = { type: 'string', format: 'uuid', minLength: 1 };
    const after = { type: 'string', format: 'email', pattern: '^a', minLength: 2, maxLength: 9 };
    expect(messages(subsumes(after, before))).toEqual([
      '/: minLength tightened to 2 (was 1)',
      '/: maxLength tightened to 9 (was none)',
      '/: pattern changed from none to ^a',
      '/: format changed from uuid to email',
    ]);
    expect(messages(subsumes(before, after, { newer: 'narrower' }))).toEqual([
      '/: format changed from uuid to email',
    ]);
    expect(
      messages(
        subsumes(
          { maximum: 5, type: 'integer' },
          { maximum: 9, type: 'integer' },
          { newer: 'narrower' },
        ),
      ),
    ).toEqual(['/: maximum loosened to 9 (was 5)']);
    expect(
      messages(
        subsumes({ type: 'string', format: 'uuid' }, { type: 'string' }, { newer: 'narrower' }),
      ),
    ).toEqual(['/: format changed from uuid to none']);
  });

  it('when enums meet free values, then restriction is reported', () => {
    expect(messages(subsumes({ enum: ['a', 'b'] }, { type: 'string' }))).toEqual([
      '/: restricted to ["a","b"]',
    ]);
    expect(subsumes({ enum: ['a', 'b'] }, { const: 'a' })).toEqual([]);
  });

  it('when unions do not line up, then the closest branch or the type change is reported', () => {
    const wider = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'null' },
      ],
    };
    expect(messages(subsumes(wider, { type: 'object', properties: {} }))).toEqual([
      '/a: newly required field',
    ]);
    expect(messages(subsumes(wider, { type: 'string' }))).toEqual([
      '/: type changed: string is not among null | object',
    ]);
  });

  it('when records change their value type or close, then entries are reported', () => {
    const record = (value: JsonSchema) => ({
      type: 'object',
      patternProperties: { '^(.*)$': value },
    });
    expect(messages(subsumes(record({ type: 'integer' }), record({ type: 'string' })))).toEqual([
      '/{^(.*)$}: type changed between string and integer',
    ]);
    expect(
      messages(
        subsumes(
          { type: 'object', additionalProperties: { type: 'string' } },
          record({ type: 'integer' }),
        ),
      ),
    ).toEqual(['/{^(.*)$}: type changed between integer and string']);
    expect(
      messages(
        subsumes({ type: 'object', additionalProperties: false }, record({ type: 'string' })),
      ),
    ).toEqual(['/{^(.*)$}: map entries no longer accepted']);
    expect(
      messages(
        subsumes(
          { type: 'object', additionalProperties: { type: 'integer' } },
          {
            type: 'object',
            properties: { n: { type: 'string' } },
            additionalProperties: { type: 'string' },
          },
        ),
      ),
    ).toEqual([
      '/n: type changed between string and integer',
      '/{*}: type changed between string and integer',
    ]);
    expect(
      messages(subsumes({ type: 'object', additionalProperties: false }, { type: 'object' })),
    ).toEqual(['/: object closed to unknown fields']);
    expect(
      messages(
        subsumes(
          { type: 'object', additionalProperties: false },
          { type: 'object' },
          { newer: 'narrower' },
        ),
      ),
    ).toEqual(['/: object no longer closed: readers that reject unknown fields break']);
  });

  it('when schemas refer to components, then references are followed, cycles included', () => {
    const document = {
      components: {
        schemas: {
          'a/b': {
            type: 'object',
            properties: { next: { $ref: '#/components/schemas/a~1b' }, n: { type: 'integer' } },
          },
        },
      },
    };
    const refs = localRefResolver(document);
    const root = { $ref: '#/components/schemas/a~1b' };
    expect(subsumes(root, root, { widerRefs: refs, narrowerRefs: refs })).toEqual([]);
    expect(refs('#/components/schemas/missing')).toBeUndefined();
    expect(refs('http://elsewhere/schema')).toBeUndefined();
    expect(messages(subsumes({ $ref: '#/nowhere' }, { type: 'string' }))).toEqual([]);
    expect(
      messages(
        removedFields(root, { type: 'object', properties: { next: {} } }, { beforeRefs: refs }),
      ),
    ).toEqual(['/next/next: field removed', '/next/n: field removed', '/n: field removed']);
  });

  it('when arrays change their items, then the item path is named', () => {
    expect(
      messages(subsumes({ type: 'array', items: { type: 'integer' } }, { type: 'array' })),
    ).toEqual(['/[]: accepted anything before, now constrained']);
    expect(
      messages(
        removedFields(
          { type: 'array', items: { type: 'object', properties: { a: {} } } },
          { type: 'array', items: { type: 'object' } },
        ),
      ),
    ).toEqual(['/[]/a: field removed']);
  });

  it('when a field is removed inside a union branch of the same shape, then it is found', () => {
    const before = { anyOf: [{ type: 'object', properties: { a: {}, b: {} } }, { type: 'null' }] };
    const after = { anyOf: [{ type: 'null' }, { type: 'object', properties: { a: {} } }] };
    expect(messages(removedFields(before, after))).toEqual(['/b: field removed']);
    expect(removedFields({ type: 'string' }, { type: 'object' })).toEqual([]);
  });
});

describe('contract check over committed state', () => {
  it('when given committed and current contracts, then problems are prefixed by where they are', () => {
    const event = {
      type: 'x.happened',
      current: 1,
      versions: { '1': { type: 'object', properties: { a: {} } } },
    };
    const doc = { paths: { '/v1/x': { get: { responses: { '200': { description: 'ok' } } } } } };
    const problems = breakingChanges(
      {
        events: {
          'x.happened': { ...event, versions: { '1': { type: 'object', properties: {} } } },
        },
        openapi: { catalog: { paths: {} } },
      },
      { events: { 'x.happened': event }, openapi: { catalog: doc } },
    );
    expect(formatProblems(problems).split('\n')).toEqual([
      '  - event x.happened@1 /a: field removed',
      expect.stringMatching(/^ {2}- catalog GET \/v1\/x: route removed/),
    ]);
  });
});
