/**
 * The cart in React: the pure reducer, persisted to localStorage after every change (so it survives a reload), and
 * kept in step across tabs through the storage event.
 */
import { createContext, type ReactNode, useContext, useEffect, useReducer } from 'react';
import { CART_STORAGE_KEY, type Cart, type CartAction, cartReducer, deserializeCart, serializeCart } from './cart.ts';

interface CartContextValue {
  cart: Cart;
  dispatch: (action: CartAction) => void;
}

const CartContext = createContext<CartContextValue | null>(null);

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart outside of CartProvider');
  return value;
}

export function CartProvider({ children }: { children: ReactNode }) {
  const [cart, dispatch] = useReducer(cartReducer, undefined, () =>
    deserializeCart(localStorage.getItem(CART_STORAGE_KEY)),
  );

  useEffect(() => {
    localStorage.setItem(CART_STORAGE_KEY, serializeCart(cart));
  }, [cart]);

  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === CART_STORAGE_KEY) dispatch({ type: 'replace', cart: deserializeCart(e.newValue) });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  return <CartContext.Provider value={{ cart, dispatch }}>{children}</CartContext.Provider>;
}
