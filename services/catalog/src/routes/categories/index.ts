import type { App } from '@bazaar/service-kit';
import { getCategoryTree } from '../../domain/category-tree.js';
import type { RouteDeps } from '../route-deps.js';
import { CategoryTree } from './schemas.js';

export async function categoryRoutes(app: App, { db }: RouteDeps): Promise<void> {
  app.get(
    '/v1/categories',
    {
      schema: {
        tags: ['categories'],
        operationId: 'getCategoryTree',
        summary: 'The category tree',
        description: 'Every category, nested under its parent.',
        response: { 200: CategoryTree },
      },
    },
    async () => ({ items: await getCategoryTree(db) }),
  );
}
