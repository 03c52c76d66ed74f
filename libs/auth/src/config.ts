import { Type } from '@sinclair/typebox';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './user.js';

/**
 * The access-token claims a service checks (and users signs with), as configuration: spread into
 * a service's config schema (`...JwtConfig`) and pass `config.JWT_ISSUER`/`config.JWT_AUDIENCE`
 * to `authPlugin`. The one way every service configures them.
 */
export const JwtConfig = {
  JWT_ISSUER: Type.String({ minLength: 1, default: DEFAULT_ISSUER }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: DEFAULT_AUDIENCE }),
};
