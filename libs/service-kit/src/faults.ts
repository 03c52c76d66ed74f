import { Type } from '@sinclair/typebox';

/** What a fault point does when the switch is on: fail some calls, slow down every call. */
export interface FaultSpec {
  /** Share of calls that fail, 0..1. */
  errorRate: number;
  /** Extra latency added to every call, ms. */
  latencyMs: number;
}

/** Thrown by {@link Faults.inject} when a drill says this call fails. */
export class InjectedFault extends Error {
  constructor(readonly point: string) {
    super(`injected fault at ${point}`);
    this.name = 'InjectedFault';
  }
}

/** The config key every service reads: off (empty) unless a drill turns it on. */
export const FaultsConfig = {
  BAZAAR_FAULTS: Type.String({
    default: '',
    description: 'fault drills: "point:error=0.2,latency=300;other:latency=50"',
  }),
};

/**
 * Parses the drill switch: `payments.provider:error=0.3,latency=200;catalog.prices:latency=500`.
 * Throws on anything it does not understand, so a typo in a drill fails at boot, loudly.
 */
export function parseFaults(text: string): Map<string, FaultSpec> {
  const faults = new Map<string, FaultSpec>();
  for (const entry of text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [point, settings = ''] = entry.split(':');
    if (!/^[a-z][\w.-]*$/.test(point))
      throw new Error(`fault point ${JSON.stringify(point)} is not a name`);
    const spec: FaultSpec = { errorRate: 0, latencyMs: 0 };
    for (const pair of settings.split(',').filter(Boolean)) {
      const [key, raw] = pair.split('=');
      const value = Number(raw);
      if (key === 'error' && value >= 0 && value <= 1) spec.errorRate = value;
      else if (key === 'latency' && Number.isInteger(value) && value >= 0) spec.latencyMs = value;
      else
        throw new Error(
          `fault setting ${JSON.stringify(pair)} at ${point} is not error=0..1 or latency=<ms>`,
        );
    }
    faults.set(point, spec);
  }
  return faults;
}

/**
 * Environment-driven failure and latency injection for drills, in the spirit of a feature flag:
 * off by default, each fault point named where it is called (`await faults.inject('catalog.prices')`).
 */
export class Faults {
  private readonly points: Map<string, FaultSpec>;

  constructor(
    text = '',
    private readonly random: () => number = Math.random,
  ) {
    this.points = parseFaults(text);
  }

  get enabled(): boolean {
    return this.points.size > 0;
  }

  async inject(point: string): Promise<void> {
    const spec = this.points.get(point);
    if (!spec) return;
    if (spec.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, spec.latencyMs));
    if (spec.errorRate > 0 && this.random() < spec.errorRate) throw new InjectedFault(point);
  }
}
