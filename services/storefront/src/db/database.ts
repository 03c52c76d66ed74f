/** Table types of the storefront database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
