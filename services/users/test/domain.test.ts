import { localPartOf, normalizeEmail } from '../src/domain/email.js';
import { PasswordHasher, parsePhc } from '../src/domain/password-hasher.js';
import { passwordProblems } from '../src/domain/password-policy.js';

describe('emails', () => {
  it('when an email has blanks and capitals, then it is normalized', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM\t')).toBe('ann.lee@example.com');
    expect(localPartOf('ann.lee@example.com')).toBe('ann.lee');
    expect(localPartOf('no-at-sign')).toBe('no-at-sign');
  });
});

describe('password policy', () => {
  it('when a password is fine, then no problems', () => {
    expect(passwordProblems('correct horse battery', 'ann@example.com')).toEqual([]);
  });
  it('when too short or too long, then said so (in characters, not bytes)', () => {
    expect(passwordProblems('short', 'x@y.io')).toEqual(['must have at least 10 characters']);
    expect(passwordProblems('é'.repeat(10), 'x@y.io')).toEqual([]);
    expect(passwordProblems('p'.repeat(129), 'x@y.io')).toEqual([
      'must have at most 128 characters',
    ]);
  });
  it('when it contains the email local part in any case, then refused', () => {
    expect(passwordProblems('my-JOHNDOE-pass', 'JohnDoe@example.com')).toEqual([
      'must not contain the email address',
    ]);
    // A one- or two-letter local part is not a meaningful rule.
    expect(passwordProblems('abcdefghijkl', 'ab@example.com')).toEqual([]);
    expect(
      passwordProblems('my-johndoe-pass', 'johndoe@example.com', { checkEmail: false }),
    ).toEqual([]);
  });
});

describe('argon2 hashes', () => {
  const hasher = new PasswordHasher({ memoryKib: 19456, iterations: 2, parallelism: 1 });

  it('when a PHC string is read, then its parameters come out in any order', () => {
    expect(parsePhc('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toEqual({
      algorithm: 'argon2id',
      version: 19,
      memoryKib: 19456,
      iterations: 2,
      parallelism: 1,
    });
    expect(parsePhc('$argon2i$v=19$m=4096,p=1,t=3$c2FsdA$aGFzaA')?.iterations).toBe(3);
    expect(parsePhc('$2b$10$abcdefghijklmnopqrstuv')).toBeUndefined();
    expect(parsePhc('$argon2id$v=19$m=4096$c2FsdA$aGFzaA')).toBeUndefined();
  });

  it('when a hash is weaker or not argon2id, then it needs a rehash; equal or stronger does not', () => {
    expect(hasher.needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(false);
    expect(hasher.needsRehash('$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA')).toBe(false);
    expect(hasher.needsRehash('$argon2id$v=19$m=4096,t=2,p=1$c2FsdA$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('$argon2id$v=19$m=19456,t=1,p=1$c2FsdA$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('$argon2id$v=16$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('$2b$10$bcrypt')).toBe(true);
  });

  it('when a stored hash is garbage, then nothing verifies against it', async () => {
    await expect(hasher.verify('not a hash', 'password')).resolves.toBe(false);
  });

  it('when a password is hashed twice, then the salts differ and both verify', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
    await expect(hasher.verify(a, 'same password')).resolves.toBe(true);
    await expect(hasher.verify(b, 'other password')).resolves.toBe(false);
  });
});
