export * from './common.ts';
export * from './orders.ts';
export * from './products.ts';
