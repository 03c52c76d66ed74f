import { Type } from '@sinclair/typebox';
import { problemResponses, ProblemSchema } from '../src/index.js';

describe('problemResponses', () => {
  it('when only statuses are given, then each status gets the bare problem schema', () => {
    expect(problemResponses([400, 404])).toEqual({ 400: ProblemSchema, 404: ProblemSchema });
  });

  it('when descriptions and always-statuses are given, then each is a described problem+json response, once', () => {
    const responses = problemResponses([400, 503], {
      descriptions: { 400: 'Invalid input' },
      always: [429, 503],
    });
    expect(Object.keys(responses)).toEqual(['400', '429', '503']);
    expect(responses[400]).toEqual({
      description: 'Invalid input',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    });
    expect(responses[429]).toMatchObject({ description: 'Problem' });
  });

  it('when ref is asked for, then the responses refer to the registered Problem schema', () => {
    expect(problemResponses([401], { ref: true })).toEqual({ 401: Type.Ref(ProblemSchema) });
  });
});
