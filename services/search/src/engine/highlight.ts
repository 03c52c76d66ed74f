import { stemOf, tokens, type Token } from './text-analysis.js';

/** Words of the description shown in a snippet (as `ts_headline`'s MaxWords did). */
const SNIPPET_WORDS = 30;
const FRAGMENTS = 2;

/** HTML-escaped, so a highlight is safe to show as HTML: only our `<mark>` tags are markup. */
export function escapeHtml(text: string): string {
  if (!/[&<>"]/.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Whether a word of a product's text is one the query matched (as typed or by its stem). */
export type WordMatcher = (word: string) => boolean;

export function matcherOf(lexemes: ReadonlySet<string>): WordMatcher {
  return (word) => {
    if (lexemes.has(word)) return true;
    const stem = stemOf(word);
    return stem !== null && lexemes.has(stem);
  };
}

/** The text escaped, each matched word wrapped in `<mark>`…`</mark>`. */
export function highlightAll(text: string, matches: WordMatcher): string {
  return marked(text, tokens(text), 0, text.length, matches);
}

/** `text` from `from` to `to` (token boundaries) marked, given the text's tokens. */
function marked(
  text: string,
  all: Token[],
  from: number,
  to: number,
  matches: WordMatcher,
): string {
  let out = '';
  let at = from;
  for (const token of all) {
    if (token.start < from || token.end > to || !matches(token.word)) continue;
    out += `${escapeHtml(text.slice(at, token.start))}<mark>${escapeHtml(text.slice(token.start, token.end))}</mark>`;
    at = token.end;
  }
  return out + escapeHtml(text.slice(at, to));
}

/** The first words of a text, escaped (what is shown when nothing was searched for). */
export function leadingWords(text: string): string {
  const lead = /^\s*((\S+\s+){0,29}\S*)/.exec(text)?.[1] ?? '';
  return escapeHtml(lead);
}

/**
 * A snippet of a long text: up to two fragments around matched words, at most 30 words in all,
 * joined by " … ", matched words marked; the first words when none matched.
 */
export function snippet(text: string, matches: WordMatcher): string {
  const all = tokens(text);
  const hits: number[] = [];
  for (let index = 0; index < all.length; index += 1)
    if (matches(all[index].word)) hits.push(index);
  if (hits.length === 0) return leadingWords(text);
  if (all.length <= SNIPPET_WORDS) return marked(text, all, 0, text.length, matches);
  const width = Math.floor(SNIPPET_WORDS / FRAGMENTS);
  const fragments: [number, number][] = [];
  for (const hit of hits) {
    if (fragments.length === FRAGMENTS) break;
    const last = fragments.at(-1);
    if (last && hit <= last[1]) continue;
    const first = Math.max(0, Math.min(hit - 3, all.length - width));
    fragments.push([first, Math.min(all.length - 1, first + width - 1)]);
  }
  return fragments
    .map(([first, last]) => marked(text, all, all[first].start, all[last].end, matches))
    .join(' … ');
}
