/**
 * Back office, catalog: create a product, edit its details, change its price, archive and restore it. Each is a
 * command to the product's aggregate (its id derives from the SKU, `productIdFor`), decided by the Product decider;
 * the acting admin is the command's actorId and so on the event. Nothing here writes a read model.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { productIdFor } from '@streamshop/catalog-service';
import { commandEnvelope } from '@streamshop/eventsourcing-kafka';
import type { GatewayContext } from '../app.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import {
  ArchiveProductBody,
  ChangePriceBody,
  CreateProductBody,
  NoParams,
  ProductCommandAccepted,
  ProductCommandProblems,
  SkuParams,
  UpdateProductDetailsBody,
} from '../schemas/admin-commands.ts';
import { adminCommand } from './admin-commands.ts';

/** A command about a product is answered with its SKU and product id, followed at the product's URL. */
const productAnswer = (sku: string, productId: string) => ({
  body: { sku, productId },
  location: `/api/products/${productId}`,
});

export const adminCatalogRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries } = ctx;

  app.post(
    '/api/admin/products',
    adminCommand(ctx, {
      summary: 'Create a product (its SKU is its identity: a second create of a SKU is product_already_exists)',
      params: NoParams,
      body: CreateProductBody,
      accepted: ProductCommandAccepted,
      problems: ProductCommandProblems,
    }),
    async (request, reply) => {
      const { sku, name, description, category, price, imageUrl } = request.body;
      const productId = productIdFor(sku);
      const origin = await app.requestOrigin(request, { name: 'admin-create-product', aggregateId: productId });
      const result = await app.sendCommand({
        type: 'streamshop.catalog.CreateProduct',
        value: { ...commandEnvelope(origin), sku, name, description, category, price, imageUrl: imageUrl ?? null },
      });
      return app.answerCommand(reply, result, productAnswer(sku, productId));
    },
  );

  app.patch(
    '/api/admin/products/:sku',
    adminCommand(ctx, {
      summary: "Edit a product's details (name, description, category, image); fields left out stay as they are",
      params: SkuParams,
      body: UpdateProductDetailsBody,
      accepted: ProductCommandAccepted,
      problems: ProductCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      // UpdateProductDetails carries all the details; the ones not sent are today's, from the read model.
      const current = (await queries.products.bySkus([sku])).get(sku);
      if (!current) throw new HttpProblem(404, 'product_not_found', `no product has the SKU ${sku}`);
      const productId = productIdFor(sku);
      const origin = await app.requestOrigin(request, { name: 'admin-update-product', aggregateId: productId });
      const { name, description, category, imageUrl } = { ...current, ...request.body };
      const result = await app.sendCommand({
        type: 'streamshop.catalog.UpdateProductDetails',
        value: { ...commandEnvelope(origin), name, description, category, imageUrl: imageUrl ?? null },
      });
      return app.answerCommand(reply, result, productAnswer(sku, productId));
    },
  );

  app.put(
    '/api/admin/products/:sku/price',
    adminCommand(ctx, {
      summary: "Change a product's price (same currency; orders already placed keep theirs)",
      params: SkuParams,
      body: ChangePriceBody,
      accepted: ProductCommandAccepted,
      problems: ProductCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const productId = productIdFor(sku);
      const origin = await app.requestOrigin(request, { name: 'admin-change-price', aggregateId: productId });
      const result = await app.sendCommand({
        type: 'streamshop.catalog.ChangeProductPrice',
        value: { ...commandEnvelope(origin), price: request.body.price },
      });
      return app.answerCommand(reply, result, productAnswer(sku, productId));
    },
  );

  app.post(
    '/api/admin/products/:sku/archive',
    adminCommand(ctx, {
      summary: 'Archive a product: no longer sold, still shown on past orders',
      params: SkuParams,
      body: ArchiveProductBody,
      accepted: ProductCommandAccepted,
      problems: ProductCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const productId = productIdFor(sku);
      const origin = await app.requestOrigin(request, { name: 'admin-archive-product', aggregateId: productId });
      const result = await app.sendCommand({
        type: 'streamshop.catalog.ArchiveProduct',
        value: { ...commandEnvelope(origin), reason: request.body.reason ?? null },
      });
      return app.answerCommand(reply, result, productAnswer(sku, productId));
    },
  );

  app.post(
    '/api/admin/products/:sku/restore',
    adminCommand(ctx, {
      summary: 'Put an archived product back on sale',
      params: SkuParams,
      body: ArchiveProductBody,
      accepted: ProductCommandAccepted,
      problems: ProductCommandProblems,
    }),
    async (request, reply) => {
      const { sku } = request.params;
      const productId = productIdFor(sku);
      const origin = await app.requestOrigin(request, { name: 'admin-restore-product', aggregateId: productId });
      const result = await app.sendCommand({
        type: 'streamshop.catalog.RestoreProduct',
        value: { ...commandEnvelope(origin), reason: request.body.reason ?? null },
      });
      return app.answerCommand(reply, result, productAnswer(sku, productId));
    },
  );
};
