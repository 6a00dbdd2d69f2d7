/**
 * The cart in React: the pure reducer, persisted to localStorage after every change (so it survives a reload), and
 * kept in step across tabs through the storage event. Quantities are capped at the gateway's per-SKU limit
 * (/api/config `maxUnitsPerSku`), so the cart never holds an order the gateway would refuse.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useReducer } from 'react';
import { useConfig } from '../api/hooks.ts';
import {
  CART_STORAGE_KEY,
  type Cart,
  type CartAction,
  cartReducer,
  deserializeCart,
  serializeCart,
  unitsCap,
} from './cart.ts';

interface CartContextValue {
  cart: Cart;
  dispatch: (action: CartAction) => void;
  /** The most units of one SKU the cart (and an order) may hold. */
  maxPerSku: number;
}

const CartContext = createContext<CartContextValue | null>(null);

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart outside of CartProvider');
  return value;
}

export function CartProvider({ children }: { children: ReactNode }) {
  const maxPerSku = unitsCap(useConfig().maxUnitsPerSku);
  const [cart, rawDispatch] = useReducer(cartReducer, undefined, () =>
    deserializeCart(localStorage.getItem(CART_STORAGE_KEY), maxPerSku),
  );
  const dispatch = useCallback(
    (action: CartAction) =>
      rawDispatch(action.type === 'add' || action.type === 'setQuantity' ? { ...action, max: maxPerSku } : action),
    [maxPerSku],
  );

  useEffect(() => rawDispatch({ type: 'cap', max: maxPerSku }), [maxPerSku]);

  useEffect(() => {
    localStorage.setItem(CART_STORAGE_KEY, serializeCart(cart));
  }, [cart]);

  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === CART_STORAGE_KEY) rawDispatch({ type: 'replace', cart: deserializeCart(e.newValue, maxPerSku) });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [maxPerSku]);

  const value = useMemo(() => ({ cart, dispatch, maxPerSku }), [cart, dispatch, maxPerSku]);
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
