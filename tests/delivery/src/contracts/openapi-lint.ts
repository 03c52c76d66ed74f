import { Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';

const spectral = new Spectral();
spectral.setRuleset({ extends: [[oas as RulesetDefinition, 'recommended']] });

/**
 * What Spectral's `spectral:oas` ruleset (the field's OpenAPI linter, its recommended rules)
 * finds in a document, one line each: `code at path: message`. Client-grade means none.
 */
export async function spectralFindings(document: unknown): Promise<string[]> {
  const results = await spectral.run(JSON.stringify(document));
  return results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
}
