/**
 * The gateway's HTTP shapes as the storefront reads them. The gateway's TypeBox schemas are the single source: these
 * are their TypeScript types (`@streamshop/gateway/schemas` is types only, so nothing of the gateway or TypeBox reaches
 * the browser bundle), renamed or narrowed where the storefront speaks of them differently.
 */
import type {
  Address as AddressSchema,
  CommandAccepted,
  Order,
  PaymentProviderName,
  PlaceOrderBody,
  Problem as ProblemSchema,
} from '@streamshop/gateway/schemas';

export type {
  CategoryCount,
  DevLogin,
  DevUser,
  Me,
  Money,
  Order,
  OrderDocuments,
  OrderPage,
  OrderStatus,
  PaymentStart,
  Product,
  ProductPage,
  ProductSort,
  PublicConfig,
  Role,
} from '@streamshop/gateway/schemas';

export type PaymentProvider = PaymentProviderName;

/**
 * The address form's model and the order request's address. The API also takes null for the optional parts; the
 * storefront leaves them out instead.
 */
export type Address = Omit<AddressSchema, 'line2' | 'region'> & { line2?: string; region?: string };

export type TimelineEntry = Order['timeline'][number];

export type PlaceOrderRequest = Omit<PlaceOrderBody, 'shippingAddress'> & { shippingAddress: Address };

export type PlaceOrderResponse = CommandAccepted;

/**
 * An error response's body. The gateway answers every error as a full problem+json, but what sits in front of it (a
 * proxy's 502, a dev server) may not, so every field is read as possibly absent.
 */
export type Problem = Partial<ProblemSchema>;
