/** Where in a product a word occurs: one bit per field. */
export const FIELD = { name: 1, brand: 2, category: 4, description: 8 } as const;

/**
 * The documents one lexeme occurs in, each with the fields it occurs in (a {@link FIELD} mask),
 * in two growable typed arrays: 5 bytes a posting where a JS array of objects would take ~40.
 */
export class Posting {
  docs = new Uint32Array(4);
  fields = new Uint8Array(4);
  size = 0;

  add(doc: number, fields: number): void {
    if (this.size === this.docs.length) {
      const docs = new Uint32Array(this.size * 2);
      docs.set(this.docs);
      this.docs = docs;
      const masks = new Uint8Array(this.size * 2);
      masks.set(this.fields);
      this.fields = masks;
    }
    this.docs[this.size] = doc;
    this.fields[this.size] = fields;
    this.size += 1;
  }

  /** Removes a document (order is not kept: the last posting takes its place). */
  remove(doc: number): void {
    const docs = this.docs;
    for (let i = 0; i < this.size; i += 1) {
      if (docs[i] === doc) {
        this.size -= 1;
        docs[i] = docs[this.size];
        this.fields[i] = this.fields[this.size];
        return;
      }
    }
  }
}
