/** Every read model the projection workers maintain, by name (the operator CLI and the workers share this list). */
import type { ProjectionDefinition } from '@streamshop/projection-runtime';
import { inventoryProjection } from './inventory/inventory.projection.ts';
import { invoicesProjection } from './invoices/invoices.projection.ts';
import { notificationsProjection } from './notifications/notifications.projection.ts';
import { ordersProjection } from './orders/orders.projection.ts';
import { productsProjection } from './products/products.projection.ts';
import { salesProjection } from './sales/sales.projection.ts';
import { usersProjection } from './users/users.projection.ts';

export const PROJECTIONS = {
  products: productsProjection,
  orders: ordersProjection,
  inventory: inventoryProjection,
  sales: salesProjection,
  users: usersProjection,
  invoices: invoicesProjection,
  notifications: notificationsProjection,
} as const satisfies Record<string, ProjectionDefinition>;

export type ProjectionName = keyof typeof PROJECTIONS;
export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

export function isProjectionName(name: string): name is ProjectionName {
  return (PROJECTION_NAMES as string[]).includes(name);
}
