import { indexAll, product } from './fixtures/products.js';
import { textProducts } from './fixtures/text-products.js';
import { searchVia, startSearchApp, type SearchTestContext } from './fixtures/search-app.js';

const { docs: shared } = textProducts();
const docs = {
  ...shared,
  markup: product({
    name: 'Tag <b>bold</b> & "quoted" widget',
    brand: 'Markup',
    description: 'Contains <script>alert(1)</script> in its widget description',
  }),
  northFace: product({
    name: 'The North Face jacket',
    brand: 'The North Face',
    description: 'Warm',
  }),
};

describe('full-text matching', () => {
  let ctx: SearchTestContext;

  beforeAll(async () => {
    ctx = await startSearchApp('search_text');
    await indexAll(ctx.database.db, Object.values(docs));
  }, 60_000);
  afterAll(() => ctx.close());

  const find = async (q: string, params: Record<string, string> = {}) => {
    const response = await searchVia(ctx.app, { q, ...params });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      items: { id: string; name: string; highlight: { name: string; description: string } }[];
      total: number;
    };
  };
  const ids = async (q: string) => (await find(q)).items.map((item) => item.id);

  it('when the words are typed exactly, then the product is found', async () => {
    expect(await ids('wireless keyboard')).toEqual([docs.keyboard.id]);
  });

  it('when the last word is only partly typed, then it matches as a prefix', async () => {
    expect(await ids('wirel')).toEqual([docs.keyboard.id]);
    expect(await ids('trail runn')).toEqual([docs.shoes.id]);
    expect(await ids('keyb')).toEqual([docs.keyboard.id]);
  });

  it('when an earlier word is only partly typed, then it does not match as a prefix', async () => {
    expect((await find('wirel keyboard ')).items.map((i) => i.id)).not.toContain(docs.stand.id);
  });

  it('when a word differs by one letter, then the product is still found', async () => {
    expect(await ids('keybaord ')).toContain(docs.keyboard.id); // two letters swapped: 2 edits, 8 letters
    expect(await ids('wireles keyboard')).toEqual([docs.keyboard.id]); // a letter missing
    expect(await ids('laptopp ')).toContain(docs.laptop.id); // a letter too many
    expect(await ids('lenovo labtop')).toEqual([docs.laptop.id]); // a letter wrong
    expect(await ids('salomon runing shoes')).toEqual([docs.shoes.id]);
  });

  it('when the words as typed find few products, then near words widen the query but exact matches rank first', async () => {
    // "toaster" finds two (fewer than three), so "coaster" (one letter off) joins, last.
    const exact = await find('toaster ');
    expect(exact.items.map((i) => i.id)).toEqual([
      docs.toaster.id,
      docs.toasterOven.id,
      docs.coaster.id,
    ]);
    expect(exact.total).toBe(3);
    expect(exact.items[2].highlight.name).toBe('Cork <mark>coaster</mark> set');
    const typo = await find('toastr');
    expect(typo.items.map((i) => i.id).sort()).toEqual(
      [docs.toaster.id, docs.toasterOven.id].sort(),
    );
    expect(typo.items[0].highlight.name).toContain('<mark>');
  });

  it('when a word is nothing like any product word, then nothing is found', async () => {
    expect(await find('xylophone')).toMatchObject({ items: [], total: 0 });
  });

  it('when a word is in another form, then its stem matches', async () => {
    expect(await ids('shoe ')).toEqual([docs.shoes.id]);
    expect(await ids('trails ')).toEqual([docs.shoes.id]);
  });

  it('when accents are left out or added, then the product is still found', async () => {
    expect(await ids('cafe creme')).toEqual([docs.cafe.id]);
    expect(await ids('grosse')).toEqual([docs.cafe.id]);
    expect(await ids('léńóvó')).toEqual([docs.laptop.id]);
  });

  it('when the query has stop words, then they do not have to appear', async () => {
    expect(await ids('shoes for the trail ')).toEqual([docs.shoes.id]);
  });

  it('when the query is only stop words, then they are matched as typed', async () => {
    expect(await ids('the ')).toEqual([docs.northFace.id]);
  });

  it('when the name is exactly the query, then that product ranks first', async () => {
    const hits = await find('toaster ');
    expect(hits.items[0].id).toBe(docs.toaster.id);
  });

  it('when one product has the word in its name and another in its description, then the name wins', async () => {
    const hits = await find('laptop ');
    expect(hits.items.map((i) => i.id)).toEqual([docs.laptop.id, docs.stand.id]);
  });

  it('when a category name matches, then the products in it are found', async () => {
    expect((await ids('appliances ')).sort()).toEqual(
      [docs.toaster.id, docs.toasterOven.id].sort(),
    );
  });

  it('when words match, then the name and a description snippet mark them', async () => {
    const [hit] = (await find('grippy trail')).items;
    expect(hit.highlight.name).toBe('<mark>Trail</mark> running shoes');
    expect(hit.highlight.description).toContain('<mark>Grippy</mark>');
    expect(hit.highlight.description).toContain('<mark>trails</mark>');
    const [prefix] = (await find('runn')).items;
    expect(prefix.highlight.name).toBe('Trail <mark>running</mark> shoes');
  });

  it('when a product text holds markup, then the highlight is escaped and only <mark> is markup', async () => {
    const [hit] = (await find('widget')).items;
    expect(hit.highlight.name).toBe(
      'Tag &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; <mark>widget</mark>',
    );
    expect(hit.highlight.description).not.toMatch(/<(?!\/?mark>)/);
    expect(hit.highlight.description).toContain('&lt;script&gt;');
    expect(hit.name).toBe('Tag <b>bold</b> & "quoted" widget');
  });

  it('when there is no text, then highlights are the escaped name and the first words', async () => {
    const response = await searchVia(ctx.app, { brand: 'Markup' });
    const [hit] = response.json().items;
    expect(hit.highlight.name).toBe('Tag &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; widget');
    expect(hit.highlight.description).toBe(
      'Contains &lt;script&gt;alert(1)&lt;/script&gt; in its widget description',
    );
  });
});
