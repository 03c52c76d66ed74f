import { argon2id, hash, verify } from 'argon2';

export interface Argon2Params {
  /** Memory in KiB (OWASP: at least 19456 = 19 MiB). */
  memoryKib: number;
  /** Passes over memory (OWASP: at least 2 with 19 MiB). */
  iterations: number;
  parallelism: number;
}

export interface PhcParams {
  algorithm: string;
  version: number;
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

// The argon2 library writes `m=..,p=..,t=..`; other writers use `m,t,p`: read either order.
const PARAM = /([mtp])=(\d+)/g;

/** The algorithm and parameters a stored argon2 PHC string was made with. */
export function parsePhc(stored: string): PhcParams | undefined {
  const head = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([^$]+)\$/.exec(stored);
  if (!head) return undefined;
  const params = Object.fromEntries([...head[3].matchAll(PARAM)].map((m) => [m[1], Number(m[2])]));
  if (params.m === undefined || params.t === undefined || params.p === undefined) return undefined;
  return {
    algorithm: head[1],
    version: Number(head[2]),
    memoryKib: params.m,
    iterations: params.t,
    parallelism: params.p,
  };
}

/**
 * argon2id password hashing with the configured cost. `verifyUnknown` spends the same time as a
 * real check, so a login for an email that does not exist takes as long as one that does.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(readonly params: Argon2Params) {}

  hash(password: string): Promise<string> {
    return hash(password, {
      type: argon2id,
      memoryCost: this.params.memoryKib,
      timeCost: this.params.iterations,
      parallelism: this.params.parallelism,
    });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      // A hash this library cannot read verifies nothing.
      return false;
    }
  }

  async verifyUnknown(password: string): Promise<void> {
    this.dummy ??= this.hash('bazaar: no such account, compared for timing only');
    await this.verify(await this.dummy, password);
  }

  /** True when the stored hash is weaker than today's parameters (or not argon2id): rehash it. */
  needsRehash(stored: string): boolean {
    const found = parsePhc(stored);
    if (!found || found.algorithm !== 'argon2id' || found.version < 0x13) return true;
    return (
      found.memoryKib < this.params.memoryKib ||
      found.iterations < this.params.iterations ||
      found.parallelism < this.params.parallelism
    );
  }
}
