/** Table types of the payments database (kysely: `Generated<>` for defaults, `T | null`, never optional). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
