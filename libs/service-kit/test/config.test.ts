import { Type } from '@sinclair/typebox';
import { ConfigError, loadConfig } from '../src/index.js';

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  RATE_LIMITS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
});

describe('loadConfig', () => {
  it('when every key is good, then a frozen typed config with defaults', () => {
    const config = loadConfig(Schema, { DATABASE_URL: 'postgres://x/y', UNRELATED: 'z' });
    expect(config).toEqual({ PORT: 8080, DATABASE_URL: 'postgres://x/y', RATE_LIMITS: 'on' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when strings hold numbers, then they are converted', () => {
    expect(loadConfig(Schema, { PORT: '9000', DATABASE_URL: 'postgres://x/y' }).PORT).toBe(9000);
  });

  it('when several keys are bad, then one error lists each of them', () => {
    let error: unknown;
    try {
      loadConfig(Schema, { PORT: 'abc', RATE_LIMITS: 'sometimes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('"abc"');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('missing');
    expect(problems).toContain('RATE_LIMITS');
  });

  it('when a string key (a URL with a password, a secret) is bad, then the key is named and its value never shown', () => {
    let error: unknown;
    try {
      loadConfig(Schema, {
        DATABASE_URL: 'mysql://shop:hunter2-password@db/shop',
        SIGNING_SECRET: 'tooShortSecret9',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('SIGNING_SECRET');
    expect(message).toContain('value not shown');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('tooShortSecret9');
  });
});
