import { fold, tokens } from '../src/engine/text-analysis.js';

/** Tokens as the general (Unicode) path finds them: a regular expression and a fold per word. */
function reference(text: string) {
  return [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)].flatMap((match) => {
    const word = (fold(match[0]).match(/[\p{L}\p{N}]+/gu) ?? []).join('');
    return word ? [{ word, start: match.index, end: match.index + match[0].length }] : [];
  });
}

describe('tokens', () => {
  it('when a text is plain ASCII, then its tokens are those of the Unicode path', () => {
    const texts = [
      'Sony WH1000XM5 headphones, noise-cancelling (30 h); <b>"quiet"</b> & light.',
      '  Leading and trailing spaces  ',
      'UPPER lower MiXeD 42 x-1 a_b tab\tnew\nline',
      '',
      '!!!',
    ];
    for (const text of texts) expect(tokens(text)).toEqual(reference(text));
  });

  it('when a text has accents, then it is folded as before', () => {
    expect(tokens('Café crème Größe').map((token) => token.word)).toEqual([
      'cafe',
      'creme',
      'grosse',
    ]);
  });
});
