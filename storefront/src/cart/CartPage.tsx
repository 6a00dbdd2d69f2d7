/** The cart: lines with quantities (typed or stepped), remove, the estimated total and the way to checkout. */
import { Link } from 'react-router';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { EmptyState } from '../components/states.tsx';
import { times } from '../money/money.ts';
import { useCart } from './CartProvider.tsx';
import { cartTotal } from './cart.ts';

export function CartPage() {
  const { cart, dispatch, maxPerSku } = useCart();
  const total = cartTotal(cart);

  if (cart.lines.length === 0) {
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-2xl font-bold">Your cart</h1>
        <EmptyState title="Your cart is empty">
          <Link to="/" className="underline">
            Browse the catalog
          </Link>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Your cart</h1>
      <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white" data-testid="cart-lines">
        {cart.lines.map((l) => {
          const qtyId = `qty-${l.sku}`;
          return (
            <li key={l.sku} className="flex flex-wrap items-center gap-3 p-3" data-testid="cart-line" data-sku={l.sku}>
              <ProductImage src={l.imageUrl} name={l.name} className="size-16 shrink-0 rounded" />
              <div className="min-w-0 flex-1">
                <Link
                  to={`/products/${encodeURIComponent(l.productId)}`}
                  className="font-medium underline-offset-2 hover:underline"
                >
                  {l.name}
                </Link>
                <p className="text-sm text-stone-600">
                  <Price money={l.unitPrice} /> each
                </p>
              </div>
              <div className="flex items-center gap-1">
                <button
                  type="button"
                  className="btn-secondary px-2"
                  aria-label={`Decrease quantity of ${l.name}`}
                  onClick={() => dispatch({ type: 'setQuantity', sku: l.sku, quantity: l.quantity - 1 })}
                >
                  −
                </button>
                <label htmlFor={qtyId} className="sr-only">
                  Quantity of {l.name}
                </label>
                <input
                  id={qtyId}
                  type="number"
                  min={1}
                  max={maxPerSku}
                  className="field-input mt-0 w-16 text-center"
                  value={l.quantity}
                  onChange={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isFinite(n) && n >= 1) dispatch({ type: 'setQuantity', sku: l.sku, quantity: n });
                  }}
                />
                <button
                  type="button"
                  className="btn-secondary px-2"
                  disabled={l.quantity >= maxPerSku}
                  title={l.quantity >= maxPerSku ? `At most ${maxPerSku} per order` : undefined}
                  aria-label={`Increase quantity of ${l.name}`}
                  onClick={() => dispatch({ type: 'setQuantity', sku: l.sku, quantity: l.quantity + 1 })}
                >
                  +
                </button>
              </div>
              <Price money={times(l.unitPrice, l.quantity)} className="w-24 text-right font-semibold" />
              <button
                type="button"
                className="btn-secondary"
                aria-label={`Remove ${l.name} from cart`}
                onClick={() => dispatch({ type: 'remove', sku: l.sku })}
              >
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-lg">
          Total {total && <Price money={total} className="font-bold" />}
          <span className="block text-xs text-stone-500">
            Final prices are confirmed from the catalog when you order. At most {maxPerSku} of each product per order.
          </span>
        </p>
        <div className="flex gap-2">
          <button type="button" className="btn-secondary" onClick={() => dispatch({ type: 'clear' })}>
            Empty cart
          </button>
          <Link to="/checkout" className="btn-primary" data-testid="checkout-link">
            Checkout
          </Link>
        </div>
      </div>
    </div>
  );
}
