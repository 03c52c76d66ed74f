import { cardBrand, isExpired, passesLuhn, validateCard } from '../src/providers/card.js';

const now = new Date('2026-11-23T12:00:00Z');
const good = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

describe('card validation', () => {
  it('when a number has a right Luhn check digit, then it passes', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4000000000000002')).toBe(true);
    expect(passesLuhn('4000000000009995')).toBe(true);
    expect(passesLuhn('4000000000000119')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
  });

  it('when a digit is changed or it is not digits, then Luhn fails', () => {
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('42424242x4242424')).toBe(false);
  });

  it('when the prefix names a network, then the brand follows it', () => {
    expect(cardBrand('4242424242424242')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('6011111111111117')).toBe('discover');
    expect(cardBrand('9999999999999995')).toBe('unknown');
  });

  it('when the expiry month is this month, then the card is still good', () => {
    expect(isExpired(11, 2026, now)).toBe(false);
    expect(isExpired(10, 2026, now)).toBe(true);
    expect(isExpired(1, 2027, now)).toBe(false);
    expect(isExpired(12, 2025, now)).toBe(true);
  });

  it('when a card is good, then there are no problems (spaces and dashes allowed)', () => {
    expect(validateCard(good, now)).toEqual([]);
    expect(validateCard({ ...good, number: '4242 4242-4242 4242' }, now)).toEqual([]);
    expect(validateCard({ ...good, cvc: '1234' }, now)).toEqual([]);
  });

  it('when every field is wrong, then each is named and no message repeats a value', () => {
    const problems = validateCard(
      { number: '4242424242424241', expMonth: 13, expYear: 2030, cvc: '12' },
      now,
    );
    expect(problems.map((p) => p.field)).toEqual(['card.number', 'card.expMonth', 'card.cvc']);
    expect(JSON.stringify(problems)).not.toMatch(/4242|13|"12"/);
  });

  it('when the number is too short or not digits, then it is refused by shape', () => {
    expect(validateCard({ ...good, number: '4242' }, now)[0]).toEqual({
      field: 'card.number',
      message: 'must be 12 to 19 digits',
    });
    expect(validateCard({ ...good, number: 'abcd abcd abcd abcd' }, now)[0]?.field).toBe(
      'card.number',
    );
  });

  it('when the card expired last month or expires absurdly late, then expYear is named', () => {
    expect(validateCard({ ...good, expMonth: 10, expYear: 2026 }, now)).toEqual([
      { field: 'card.expYear', message: 'the card has expired' },
    ]);
    expect(validateCard({ ...good, expYear: 2090 }, now)).toEqual([
      { field: 'card.expYear', message: 'is too far in the future' },
    ]);
  });
});
