import {
  isCorrectable,
  MAX_TERM_LENGTH,
  MAX_TERMS,
  parseSearchTerms,
} from '../src/domain/search-terms.js';

describe('parsing what a shopper typed', () => {
  it('when text has punctuation and operators, then only words remain, lower-cased', () => {
    expect(parseSearchTerms("Nike's  AIR-max & (90) | !foo:*")).toEqual({
      words: ['nike', 's', 'air', 'max', '90', 'foo'],
      lastIsPrefix: false,
    });
  });

  it('when text ends in a word, then that word is a prefix; after a space it is whole', () => {
    expect(parseSearchTerms('running sho').lastIsPrefix).toBe(true);
    expect(parseSearchTerms('running shoes ').lastIsPrefix).toBe(false);
  });

  it('when text is empty, missing or only punctuation, then there are no words', () => {
    for (const text of [undefined, '', '   ', '!!!???', "'; --"]) {
      expect(parseSearchTerms(text)).toEqual({ words: [], lastIsPrefix: false });
    }
  });

  it('when text is in other scripts or has combining marks, then those are words too', () => {
    expect(parseSearchTerms('Café e\u0301clair 東京 Ｆｕｌｌ').words).toEqual([
      'café',
      'éclair',
      '東京',
      'full',
    ]);
  });

  it('when text has too many or too long words, then they are capped', () => {
    const many = parseSearchTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '));
    expect(many.words).toHaveLength(MAX_TERMS);
    expect(many.lastIsPrefix).toBe(false);
    const long = parseSearchTerms('x'.repeat(500));
    expect(long.words[0]).toHaveLength(MAX_TERM_LENGTH);
  });

  it('when a word is short or has digits, then it is not corrected for typos', () => {
    expect(isCorrectable('laptop')).toBe(true);
    expect(isCorrectable('tv')).toBe(false);
    expect(isCorrectable('x1000')).toBe(false);
  });
});
