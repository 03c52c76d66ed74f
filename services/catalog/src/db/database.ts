/** Table types of the catalog database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
