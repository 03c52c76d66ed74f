import type { MessagingTables } from '@bazaar/messaging';
import type { JWK } from 'jose';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types of the users database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
/** Includes the outbox and inbox tables of @bazaar/messaging. */
export interface Database extends MessagingTables {
  users: UsersTable;
  addresses: AddressesTable;
  refresh_token_families: RefreshTokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  login_failures: LoginFailuresTable;
}

/** A time with a database default: optional on insert. */
type DefaultTime = ColumnType<Date, Date | string | undefined, Date | string>;
type Time = ColumnType<Date, Date | string, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: Generated<string[]>;
  created_at: DefaultTime;
  updated_at: DefaultTime;
}
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;

export interface AddressesTable {
  id: string;
  user_id: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postal_code: string;
  country: string;
  created_at: DefaultTime;
}
export type AddressRow = Selectable<AddressesTable>;

export interface RefreshTokenFamiliesTable {
  id: string;
  user_id: string;
  created_at: DefaultTime;
  revoked_at: NullableTime;
  revoked_reason: 'logout' | 'reuse_detected' | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  user_id: string;
  created_at: DefaultTime;
  expires_at: Time;
  spent_at: NullableTime;
}
export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export interface SigningKeysTable {
  kid: string;
  algorithm: 'EdDSA' | 'ES256';
  public_jwk: ColumnType<JWK, string, string>;
  private_key: string;
  created_at: DefaultTime;
  activates_at: Time;
  retires_at: NullableTime;
  removes_at: NullableTime;
}
export type SigningKeyRow = Selectable<SigningKeysTable>;

export interface LoginFailuresTable {
  key: string;
  window_started_at: Time;
  failures: number;
  not_before: NullableTime;
}
