/** One product: picture, description, price, availability, a quantity and "Add to cart". */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Product } from '../api/types.ts';
import { useCart } from '../cart/CartProvider.tsx';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { Availability } from './ProductCard.tsx';

export function ProductPage() {
  const { productId = '' } = useParams();
  const api = useApi();
  const { cart, dispatch, maxPerSku } = useCart();
  const [quantity, setQuantity] = useState(1);
  const product = useQuery({
    queryKey: ['product', productId],
    queryFn: ({ signal }) => api<Product>(`/api/products/${encodeURIComponent(productId)}`, { signal }),
    retry: (n, e) => !isApiError(e, 404) && n < 2,
  });

  if (product.isPending) return <LoadingState label="Loading product…" />;
  if (product.isError) {
    if (isApiError(product.error, 404)) {
      return (
        <EmptyState title="Product not found">
          <Link to="/" className="underline">
            Back to the catalog
          </Link>
        </EmptyState>
      );
    }
    return (
      <ErrorState title="Could not load this product" error={product.error} onRetry={() => void product.refetch()} />
    );
  }

  const p = product.data;
  const inCart = cart.lines.find((l) => l.sku === p.sku)?.quantity ?? 0;
  const soldOut = p.available <= 0 || p.status !== 'active';
  const room = Math.max(0, maxPerSku - inCart);
  const add = (e: FormEvent) => {
    e.preventDefault();
    dispatch({ type: 'add', product: p, quantity });
  };

  return (
    <article className="grid gap-6 md:grid-cols-2" data-testid="product-page" data-sku={p.sku}>
      <ProductImage src={p.imageUrl} name={p.name} className="aspect-square w-full rounded-lg" />
      <div className="flex flex-col gap-3">
        <Link
          to={`/?category=${encodeURIComponent(p.category)}`}
          className="text-sm uppercase text-stone-500 underline"
        >
          {p.category}
        </Link>
        <h1 className="text-2xl font-bold">{p.name}</h1>
        <Price money={p.price} className="text-xl font-semibold" />
        <Availability available={p.available} />
        <p className="whitespace-pre-line text-stone-700">{p.description}</p>
        <p className="text-xs text-stone-500">SKU {p.sku}</p>
        <form onSubmit={add} className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="product-qty" className="field-label">
              Quantity
            </label>
            <input
              id="product-qty"
              type="number"
              min={1}
              max={Math.max(1, Math.min(room, p.available))}
              className="field-input w-24"
              value={quantity}
              onChange={(e) => setQuantity(Math.min(maxPerSku, Math.max(1, Number(e.target.value) || 1)))}
            />
          </div>
          <button type="submit" className="btn-primary" disabled={soldOut || room === 0} data-testid="add-to-cart">
            {soldOut ? 'Sold out' : 'Add to cart'}
          </button>
        </form>
        {!soldOut && room === 0 && (
          <p role="status" className="text-sm text-stone-700" data-testid="per-sku-cap">
            You have the most one order may hold ({maxPerSku}).
          </p>
        )}
        {inCart > 0 && (
          <p role="status" className="text-sm text-stone-700">
            {inCart} in your cart ·{' '}
            <Link to="/cart" className="underline">
              View cart
            </Link>
          </p>
        )}
      </div>
    </article>
  );
}
