import { html, trustedHighlight } from '../src/html.js';
import { formatDate, formatMoney, localeOf, majorUnits } from '../src/format.js';

describe('templates and formats', () => {
  it('when values are interpolated, then they are escaped unless already markup', () => {
    const name = `<b onclick="x">'&'</b>`;
    expect(html`<p title="${name}">${name}${html`<i>ok</i>`}${[1, 2]}${null}</p>`.value).toBe(
      '<p title="&lt;b onclick=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;">&lt;b onclick=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;<i>ok</i>12</p>',
    );
  });

  it('when a highlight holds only <mark>, then it is kept; anything else is escaped', () => {
    expect(trustedHighlight('<mark>Tea</mark>pot &amp; cup').value).toBe(
      '<mark>Tea</mark>pot &amp; cup',
    );
    expect(trustedHighlight('<mark>a</mark><img>').value).toBe(
      '&lt;mark&gt;a&lt;/mark&gt;&lt;img&gt;',
    );
  });

  it('when a locale is asked, then prices follow it, with the currency', () => {
    expect(formatMoney({ amount: 2450, currency: 'EUR' }, 'en-IE')).toBe('€24.50');
    expect(formatMoney({ amount: 2450, currency: 'EUR' }, 'de-DE')).toMatch(/^24,50\s€$/);
    expect(formatMoney({ amount: 2450, currency: 'JPY' }, 'en-IE')).toBe('JP¥2,450');
  });

  it('when an amount is written for machines, then it is in major units with the currency’s digits', () => {
    expect(majorUnits({ amount: 2450, currency: 'EUR' })).toBe('24.50');
    expect(majorUnits({ amount: 2450, currency: 'JPY' })).toBe('2450');
  });

  it('when a moment is written, then it is in UTC and says so', () => {
    expect(formatDate('2026-12-06T04:47:59.000Z', 'en-IE')).toBe('6 Dec 2026, 04:47 UTC');
  });

  it('when Accept-Language is unusable, then the shop default is used', () => {
    expect(localeOf('fr-FR,fr;q=0.9', 'en-IE')).toBe('fr-FR');
    expect(localeOf('*', 'en-IE')).toBe('en-IE');
    expect(localeOf(undefined, 'en-IE')).toBe('en-IE');
  });
});
