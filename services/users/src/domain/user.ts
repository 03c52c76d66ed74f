import type { Role } from '@bazaar/auth';
import type { UserRow } from '../db/database.js';

/** A user as the API shows it: never the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles as Role[],
    createdAt: row.created_at.toISOString(),
  };
}
