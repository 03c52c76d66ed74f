import { describe, expect, it } from '@jest/globals';
import {
  helpText,
  oneOf,
  parseCommandLine,
  UsageError,
  wholeNumber,
  type CliSpec,
} from '../src/index.js';

const spec = {
  name: 'tool',
  command: 'pnpm tool --',
  summary: 'Does a thing.',
  options: {
    limit: { type: 'string', value: 'N', description: 'at most N' },
    mode: { type: 'string', default: 'fast', description: 'how' },
    dry: { type: 'boolean', description: 'change nothing' },
  },
  positionals: [{ name: 'queue', description: 'which queue', required: true }],
} satisfies CliSpec;

describe('parseCommandLine', () => {
  it('when the arguments are right, then it returns typed values, defaults and positionals', () => {
    expect(parseCommandLine(spec, ['--', 'orders', '--limit=3'])).toEqual({
      values: { limit: '3', mode: 'fast', dry: false },
      positionals: ['orders'],
    });
  });

  it('when --help or -h is anywhere, then it asks for help before checking the rest', () => {
    expect(parseCommandLine(spec, ['--bogus', '--help'])).toBe('help');
    expect(parseCommandLine(spec, ['-h'])).toBe('help');
  });

  it('when an option is unknown, then it is a usage error naming it', () => {
    expect(() => parseCommandLine(spec, ['orders', '--limt', '3'])).toThrow(
      /^Unknown option '--limt'/,
    );
  });

  it('when a required positional is missing or one too many is given, then it is a usage error', () => {
    expect(() => parseCommandLine(spec, [])).toThrow('missing <queue>');
    expect(() => parseCommandLine(spec, ['a', 'b'])).toThrow("unexpected argument 'b'");
  });

  it('when a tool takes no positionals, then a stray word is a usage error', () => {
    expect(() => parseCommandLine({ ...spec, positionals: [] }, ['now'])).toThrow(UsageError);
  });
});

describe('validators', () => {
  it('when a number is not whole or out of range, then the message says what was expected', () => {
    expect(wholeNumber('--limit', '12', { min: 1 })).toBe(12);
    expect(wholeNumber('--limit', undefined)).toBeUndefined();
    expect(() => wholeNumber('--limit', 'ten', { min: 1 })).toThrow(
      "--limit must be a whole number 1 or more, got 'ten'",
    );
    expect(() => wholeNumber('--page-size', '0', { min: 1, max: 1000 })).toThrow(
      "--page-size must be a whole number from 1 to 1000, got '0'",
    );
    expect(() => wholeNumber('--limit', '1.5')).toThrow(UsageError);
  });

  it('when a value is not one of the allowed, then the message lists them', () => {
    expect(oneOf('algorithm', 'ES256', ['EdDSA', 'ES256'])).toBe('ES256');
    expect(() => oneOf('algorithm', 'RS256', ['EdDSA', 'ES256'])).toThrow(
      "algorithm must be one of EdDSA, ES256, got 'RS256'",
    );
  });
});

describe('helpText', () => {
  it('lists the synopsis, every option with its default, and the exit codes', () => {
    const text = helpText(spec);
    expect(text).toContain('usage: pnpm tool -- [options] <queue>');
    expect(text).toMatch(/--mode VALUE\s+how \(default fast\)/);
    expect(text).toMatch(/--dry\s+change nothing/);
    expect(text).toContain('exit codes: 0 done, 1 failed, 2 wrong arguments');
  });
});
