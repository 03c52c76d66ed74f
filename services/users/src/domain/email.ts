/** Emails are compared and stored trimmed and in lower case: `" Ann@Example.COM"` is `ann@example.com`. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The part before the last `@` of a normalized email. */
export function localPartOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
