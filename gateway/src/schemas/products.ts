/** HTTP schemas of the catalog queries (`products.routes.ts`). */
import { type Static, Type } from 'typebox';
import { Cursor, IsoTime, Money } from './common.ts';

export const Product = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: Type.String(),
    price: Money,
    imageUrl: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
    available: Type.Integer({ description: 'Units that can still be ordered.' }),
    updatedAt: IsoTime,
  },
  { title: 'Product' },
);
export type Product = Static<typeof Product>;

export const ProductSort = Type.Union([
  Type.Literal('name'),
  Type.Literal('price_asc'),
  Type.Literal('price_desc'),
  Type.Literal('newest'),
]);
export type ProductSort = Static<typeof ProductSort>;

export const ProductSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    minPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'Minor units.' })),
    maxPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'Minor units.' })),
    sort: Type.Optional(ProductSort),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ProductSearchQuery = Static<typeof ProductSearchQuery>;

export const ProductPage = Type.Object({
  items: Type.Array(Product),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type ProductPage = Static<typeof ProductPage>;

export const CategoryCount = Type.Object({ category: Type.String(), count: Type.Integer() });
export type CategoryCount = Static<typeof CategoryCount>;
