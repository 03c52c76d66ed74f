import { sql, type Kysely } from 'kysely';

/**
 * `order_lines` and `order_status_history` keep their `order_id` without a foreign key. Every
 * row of theirs is written with the order's row in hand: the placement inserts the order, its
 * lines and its first history row in one statement (the lines and the row select the id from the
 * order just inserted); a transition's history row selects it from the order the same statement
 * moved (`moveOrderIfIn`) or is written after `lockOrderHead` locked the order in the same
 * transaction. Nothing deletes an order (there is no `on delete` to cascade). So the constraint
 * never refused a row, while each check cost every order's placement and transitions a lookup
 * and a row lock on the order (a WAL record each; a tenth of the backends' CPU at the orders
 * database under the checkout bench).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table order_lines drop constraint order_lines_order_id_fkey`.execute(db);
  await sql`alter table order_status_history drop constraint order_status_history_order_id_fkey`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table order_lines add constraint order_lines_order_id_fkey
    foreign key (order_id) references orders (id) on delete cascade`.execute(db);
  await sql`alter table order_status_history add constraint order_status_history_order_id_fkey
    foreign key (order_id) references orders (id) on delete cascade`.execute(db);
}
