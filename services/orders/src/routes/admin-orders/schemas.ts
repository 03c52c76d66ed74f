import { Type } from '@sinclair/typebox';
import { ListQuery, OrderStatusSchema } from '../orders/schemas.js';

export const AdminListQuery = Type.Object({
  ...ListQuery.properties,
  status: Type.Optional(OrderStatusSchema),
});
