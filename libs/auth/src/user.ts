/** The roles Bazaar knows; a token's other roles are ignored. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of a request, from a verified access token. */
export interface AuthUser {
  /** The user's id (the token's `sub`). */
  id: string;
  roles: Role[];
  /** The raw access token, to forward to another service on the user's behalf. */
  token: string;
}

/** The issuer and audience every Bazaar service uses unless told otherwise. */
export const DEFAULT_ISSUER = 'bazaar-users';
export const DEFAULT_AUDIENCE = 'bazaar';
/** The media type of access tokens (RFC 9068): a token of another kind is never accepted. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
