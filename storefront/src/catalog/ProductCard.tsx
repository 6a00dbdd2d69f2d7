/** One product in the catalog grid: picture, name, price, availability and an add-to-cart button. */
import { Link } from 'react-router';
import type { Product } from '../api/types.ts';
import { useCart } from '../cart/CartProvider.tsx';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';

export function Availability({ available }: { available: number }) {
  if (available <= 0) return <span className="text-sm text-red-700">Out of stock</span>;
  if (available < 5) return <span className="text-sm text-amber-700">Only {available} left</span>;
  return <span className="text-sm text-teal-800">In stock</span>;
}

export function ProductCard({ product }: { product: Product }) {
  const { cart, dispatch } = useCart();
  const inCart = cart.lines.find((l) => l.sku === product.sku)?.quantity ?? 0;
  const soldOut = product.available <= 0;

  return (
    <li
      data-testid="product-card"
      data-sku={product.sku}
      className="flex flex-col overflow-hidden rounded-lg border border-stone-200 bg-white"
    >
      <Link to={`/products/${encodeURIComponent(product.id)}`} className="group flex flex-1 flex-col">
        <ProductImage src={product.imageUrl} name={product.name} className="aspect-square w-full" />
        <div className="flex flex-1 flex-col gap-1 p-3">
          <span className="text-xs uppercase tracking-wide text-stone-500">{product.category}</span>
          <span className="font-medium group-hover:underline" data-testid="product-name">
            {product.name}
          </span>
          <Price money={product.price} className="font-semibold" />
          <Availability available={product.available} />
        </div>
      </Link>
      <div className="flex items-center justify-between gap-2 border-t border-stone-100 p-3">
        <button
          type="button"
          className="btn-primary flex-1"
          disabled={soldOut}
          data-testid="add-to-cart"
          onClick={() => dispatch({ type: 'add', product })}
        >
          {/* The product's name for screen readers, after the visible words so the name starts with what is seen. */}
          {soldOut ? 'Sold out' : 'Add to cart'}
          <span className="sr-only">: {product.name}</span>
        </button>
        {inCart > 0 && (
          <span className="text-xs text-stone-600" data-testid="in-cart">
            {inCart} in cart
          </span>
        )}
      </div>
    </li>
  );
}
