import { defineErrors } from '@bazaar/service-kit';

/** Every error this service answers with, by code. */
export const errors = defineErrors({
  USERS_NOT_FOUND: { status: 404, title: 'Not found' },
  USERS_ADDRESS_NOT_FOUND: { status: 404, title: 'Address not found' },
  USERS_EMAIL_TAKEN: { status: 409, title: 'Email already registered' },
  USERS_WEAK_PASSWORD: { status: 400, title: 'Password does not meet the policy' },
  USERS_INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  USERS_INVALID_REFRESH_TOKEN: { status: 401, title: 'Invalid refresh token' },
  USERS_TOO_MANY_LOGIN_FAILURES: { status: 429, title: 'Too many failed logins' },
  USERS_ADDRESS_LIMIT: { status: 409, title: 'Too many addresses' },
  USERS_KEYS_MANAGED_EXTERNALLY: {
    status: 409,
    title: 'Signing keys are managed by the deployment',
  },
  USERS_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
});
