/** Catalog queries: search with filters and keyset pagination, categories, one product. Public. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GatewayContext } from '../app.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { IdParams, problems } from '../schemas/common.ts';
import { CategoryCount, Product, ProductPage, ProductSearchQuery } from '../schemas/products.ts';
import { productView } from './views.ts';

export const productsRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, { queries }) => {
  app.get(
    '/api/products',
    {
      schema: {
        tags: ['products'],
        summary: 'Search active products',
        querystring: ProductSearchQuery,
        response: { 200: ProductPage, ...problems(400) },
      },
    },
    async (request) => {
      const page = await queries.products.search(request.query);
      return { items: page.items.map(productView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/categories',
    {
      schema: {
        tags: ['products'],
        summary: 'Categories with their number of active products',
        response: { 200: Type.Array(CategoryCount) },
      },
    },
    async () => queries.products.categories(),
  );

  app.get(
    '/api/products/:id',
    {
      schema: {
        tags: ['products'],
        summary: 'One product (active or archived)',
        params: IdParams,
        response: { 200: Product, ...problems(400, 404) },
      },
    },
    async (request) => {
      const product = await queries.products.byId(request.params.id);
      if (!product) throw new HttpProblem(404, 'product_not_found', `no product ${request.params.id}`);
      return productView(product);
    },
  );
};
