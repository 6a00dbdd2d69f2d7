/**
 * An order's lines as people read them: picture, product name, quantity × SKU, line total, and what happened to the
 * line (not available, refunded units). The order view carries each line's name and image; an order read before it
 * did (or a line whose product the view could not name) falls back to the catalog, looked up by SKU.
 */
import { useQueries } from '@tanstack/react-query';
import { withQuery } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { Order, ProductPage } from '../api/types.ts';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';

/** An order line; its product's name and image are optional (absent when the view could not name the SKU). */
export type OrderLine = Order['lines'][number];

/** Name and image for each SKU the lines do not name themselves, from the catalog's search. */
function useCatalogNames(lines: readonly OrderLine[]) {
  const api = useApi();
  const skus = [...new Set(lines.filter((l) => !l.name).map((l) => l.sku))];
  const results = useQueries({
    queries: skus.map((sku) => ({
      queryKey: ['product-by-sku', sku],
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const page = await api<ProductPage>(withQuery('/api/products', { q: sku, limit: 10 }), { signal });
        return page.items.find((p) => p.sku === sku) ?? null;
      },
      staleTime: 5 * 60_000,
    })),
  });
  const bySku = new Map<string, { name: string; imageUrl: string | null }>();
  skus.forEach((sku, i) => {
    const p = results[i]?.data;
    if (p) bySku.set(sku, { name: p.name, imageUrl: p.imageUrl });
  });
  return bySku;
}

export function OrderLines({ lines }: { lines: readonly OrderLine[] }) {
  const catalog = useCatalogNames(lines);
  return (
    <ul className="flex flex-col gap-3 text-sm" data-testid="order-lines">
      {lines.map((l) => {
        const name = l.name ?? catalog.get(l.sku)?.name ?? l.sku;
        const imageUrl = l.imageUrl !== undefined && l.name ? l.imageUrl : (catalog.get(l.sku)?.imageUrl ?? null);
        return (
          <li key={l.line} className="flex items-start gap-3" data-testid="order-line" data-sku={l.sku}>
            <ProductImage src={imageUrl} name={name} className="size-12 shrink-0 rounded text-base" />
            <div className="min-w-0 flex-1">
              <p className="font-medium" data-testid="order-line-name">
                {name}
              </p>
              <p className="text-stone-600">
                {l.quantity} × {l.sku}
              </p>
              {l.reservation === 'rejected' && (
                <p className="text-xs text-red-700">
                  Not available{l.rejectionReason ? ` (${l.rejectionReason.replaceAll('_', ' ')})` : ''}
                </p>
              )}
              {l.refundedQuantity ? (
                <p className="text-xs text-amber-800" data-testid="order-line-refunded">
                  {l.refundedQuantity} refunded
                </p>
              ) : null}
            </div>
            <Price money={{ amount: l.unitPrice.amount * l.quantity, currency: l.unitPrice.currency }} />
          </li>
        );
      })}
    </ul>
  );
}
