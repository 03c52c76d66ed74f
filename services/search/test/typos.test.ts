import { editDistance, TypoDictionary } from '../src/engine/typos.js';

/** Every variant of `word` one typo away: a letter dropped, doubled, wrong, or swapped. */
function oneTypo(word: string): string[] {
  const variants = new Set<string>();
  for (let at = 0; at < word.length; at += 1) {
    variants.add(word.slice(0, at) + word.slice(at + 1));
    variants.add(word.slice(0, at) + word[at] + word.slice(at));
    variants.add(word.slice(0, at) + (word[at] === 'x' ? 'q' : 'x') + word.slice(at + 1));
    if (at + 1 < word.length)
      variants.add(word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2));
  }
  variants.delete(word);
  return [...variants];
}

describe('typo corrections', () => {
  const words = [
    'sunscreen',
    'headphones',
    'keyboard',
    'toaster',
    'coaster',
    'wh1000xm5',
    'zephyr3f2a1c',
    'ab123cd4',
    'stainless',
    'espresso',
  ];
  const dictionary = new TypoDictionary();
  dictionary.bulk(() => words.forEach((word) => dictionary.add(word)));
  const finds = (typed: string, intended: string) =>
    dictionary.corrections(typed, 100).some((c) => c.word === intended);

  it('when one typo falls anywhere in a word (middle, ends, a transposition, a model code), then the word is a correction', () => {
    const missed = words.flatMap((word) =>
      oneTypo(word)
        .filter((typed) => typed.length >= 4 && !finds(typed, word))
        .map((typed) => `${typed} -> ${word}`),
    );
    expect(missed).toEqual([]);
  });

  it('when a long word has a typo in each end, then the word is still a correction', () => {
    // Before: candidates came from the first and last parts only, both damaged here.
    expect(finds('usnscreem', 'sunscreen')).toBe(true);
    expect(finds('ehadphonse', 'headphones')).toBe(true);
    expect(finds('xephyr3f2a1', 'zephyr3f2a1c')).toBe(true);
    const long = words.filter((word) => word.length >= 8);
    const missed = long.flatMap((word) =>
      oneTypo(word)
        .flatMap(oneTypo)
        // Two typos can amount to more than two edits (a swapped pair edited again): left out.
        .filter((typed) => typed.length >= 8 && editDistance(typed, word, 2) === 2)
        .filter((typed) => !finds(typed, word))
        .map((typed) => `${typed} -> ${word}`),
    );
    expect(missed).toEqual([]);
  });

  it('when a word is added after the build or removed, then corrections follow', () => {
    const growing = new TypoDictionary();
    growing.bulk(() => growing.add('keyboard'));
    growing.add('sunscreen');
    expect(growing.corrections('usnscreem', 3).map((c) => c.word)).toEqual(['sunscreen']);
    growing.remove('sunscreen');
    expect(growing.corrections('usnscreem', 3)).toEqual([]);
  });
});
