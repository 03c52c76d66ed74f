import { errors } from '../errors.js';
import { localPartOf, normalizeEmail } from './email.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
/** A local part shorter than this (`a@x.io`) would forbid too many passwords to mean anything. */
const MIN_LOCAL_PART_CHECKED = 3;

/**
 * What is wrong with a new password, if anything (NIST SP 800-63B: length over composition
 * rules). Lengths count characters (code points), not bytes. `checkEmail: false` skips the
 * "must not contain the email's local part" rule (the admin bootstrap, an operator's choice).
 */
export function passwordProblems(
  password: string,
  email: string,
  options: { checkEmail?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(`must have at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push(`must have at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (options.checkEmail ?? true) {
    const local = localPartOf(normalizeEmail(email));
    if (local.length >= MIN_LOCAL_PART_CHECKED && password.toLowerCase().includes(local)) {
      problems.push('must not contain the email address');
    }
  }
  return problems;
}

/** Throws a 400 `USERS_WEAK_PASSWORD` naming every rule the password breaks. */
export function assertPasswordPolicy(
  password: string,
  email: string,
  options: { checkEmail?: boolean } = {},
): void {
  const problems = passwordProblems(password, email, options);
  if (problems.length === 0) return;
  throw errors.USERS_WEAK_PASSWORD(`password ${problems.join('; ')}`, {
    errors: problems.map((message) => ({ field: 'password', message })),
  });
}
