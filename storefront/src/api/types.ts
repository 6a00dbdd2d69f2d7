/**
 * The gateway's HTTP shapes as the storefront reads them (the gateway's TypeBox schemas and /openapi.json are the
 * source; these follow them field for field and are only what the browser bundle needs, without pulling the
 * gateway's server dependencies into it).
 */

export interface Money {
  amount: number;
  currency: string;
}

export type Role = 'shopper' | 'admin';

export interface PublicConfig {
  auth: 'clerk' | 'dev';
  clerkPublishableKey?: string;
  stripePublishableKey?: string;
  stripeTestMode: boolean;
  paypalClientId?: string;
  currency: string;
}

export interface DevUser {
  id: string;
  name: string;
  email?: string;
  role: Role;
}

export interface DevLogin {
  token: string;
  expiresAt: string;
  user: DevUser;
}

export interface Me {
  id: string;
  role: Role;
  name?: string;
  email?: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Money;
  imageUrl: string | null;
  status: 'active' | 'archived';
  available: number;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CategoryCount {
  category: string;
  count: number;
}

export type ProductSort = 'name' | 'price_asc' | 'price_desc' | 'newest';

export const ORDER_STATUSES = [
  'placed',
  'reserved',
  'payment_requested',
  'paid',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type PaymentProvider = 'stripe' | 'paypal';

export interface Address {
  name: string;
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  region?: string;
  country: string;
}

/** An order's address as the read model answers it (absent optional parts are null). */
export type ShippingAddress = Omit<Address, 'line2' | 'region'> & { line2: string | null; region: string | null };

export interface OrderLine {
  line: number;
  sku: string;
  quantity: number;
  unitPrice: Money;
  reservation: 'pending' | 'reserved' | 'rejected';
  rejectionReason: string | null;
}

export interface TimelineEntry {
  status: OrderStatus;
  at: string;
  event: string;
  version: number;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  lines: OrderLine[];
  shippingAddress: ShippingAddress;
  currency: string;
  total: Money;
  paymentProvider: PaymentProvider;
  payment: null | {
    paymentId: string;
    provider: PaymentProvider;
    amount: Money;
    status: 'requested' | 'paid' | 'failed';
    deadline: string;
    providerReference: string | null;
    failureReason: string | null;
  };
  cancellation: null | { reason: string; by: string };
  refund: null | { amount: Money; reason: string | null };
  shipment: null | { carrier: string | null; trackingNumber: string | null };
  timeline: TimelineEntry[];
  placedAt: string;
  updatedAt: string;
  version: number;
}

export interface PlaceOrderRequest {
  lines: { sku: string; quantity: number }[];
  shippingAddress: Address;
  paymentProvider: PaymentProvider;
}

export type PlaceOrderResponse =
  | { orderId: string; version: number; status: 'accepted' }
  | { orderId: string; status: 'pending' };

export type PaymentStart =
  | { provider: 'stripe'; clientSecret: string; paymentIntentId: string; testMode: boolean }
  | { provider: 'paypal'; approvalUrl: string; paypalOrderId: string };

/** application/problem+json as the gateway answers every error. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
}
