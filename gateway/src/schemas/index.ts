/**
 * `@streamshop/gateway/schemas`: the static types of the gateway's HTTP schemas, for clients (the storefront) that
 * must speak the API's shapes without bundling the gateway. Types only (`export type *`): a client's value import
 * fails to compile instead of pulling TypeBox into a browser bundle. Routes import the schema objects from the
 * files beside this one.
 */
export type * from './admin-commands.ts';
export type * from './admin-import.ts';
export type * from './admin-queries.ts';
export type * from './common.ts';
export type * from './invoices.ts';
export type * from './orders.ts';
export type * from './payments.ts';
export type * from './products.ts';
export type * from './session.ts';
