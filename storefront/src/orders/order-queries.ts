/** Query keys for orders, scoped by the signed-in user so one shopper never sees another's cached copy. */
export const orderKey = (userId: string | undefined, orderId: string) =>
  ['order', userId ?? 'anonymous', orderId] as const;
export const ordersKey = (userId: string | undefined) => ['orders', userId ?? 'anonymous'] as const;
