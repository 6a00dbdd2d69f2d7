/**
 * The storefront's shell: load the public config (which auth mode, which payment options), then the auth provider
 * it calls for, the cart, and the routes.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { useConfigQuery } from './api/hooks.ts';
import { DevAuthProvider } from './auth/DevAuthProvider.tsx';
import { SignInPage } from './auth/SignInPage.tsx';
import { CartPage } from './cart/CartPage.tsx';
import { CartProvider } from './cart/CartProvider.tsx';
import { CatalogPage } from './catalog/CatalogPage.tsx';
import { ProductPage } from './catalog/ProductPage.tsx';
import { CheckoutPage } from './checkout/CheckoutPage.tsx';
import { Layout } from './components/Layout.tsx';
import { EmptyState, ErrorState, LoadingState } from './components/states.tsx';
import { OrderPage } from './orders/OrderPage.tsx';
import { OrdersPage } from './orders/OrdersPage.tsx';
import { PaypalReturnPage } from './orders/PaypalReturnPage.tsx';

const ClerkAuthProvider = lazy(() => import('./auth/ClerkAuthProvider.tsx'));

function AuthProvider({ children }: { children: ReactNode }) {
  const { data: config } = useConfigQuery();
  if (config?.auth === 'clerk' && config.clerkPublishableKey) {
    return (
      <Suspense fallback={<LoadingState label="Loading sign-in…" />}>
        <ClerkAuthProvider publishableKey={config.clerkPublishableKey}>{children}</ClerkAuthProvider>
      </Suspense>
    );
  }
  return <DevAuthProvider>{children}</DevAuthProvider>;
}

function NotFoundPage() {
  return (
    <EmptyState title="Page not found">
      <Link to="/" className="underline">
        Go to the catalog
      </Link>
    </EmptyState>
  );
}

export function App() {
  const config = useConfigQuery();
  if (config.isPending) return <LoadingState label="Opening the shop…" />;
  if (config.isError) {
    return (
      <div className="mx-auto max-w-xl p-6">
        <ErrorState title="The shop is not reachable" error={config.error} onRetry={() => void config.refetch()} />
      </div>
    );
  }
  return (
    <AuthProvider>
      <CartProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CatalogPage />} />
            <Route path="products/:productId" element={<ProductPage />} />
            <Route path="cart" element={<CartPage />} />
            <Route path="checkout" element={<CheckoutPage />} />
            <Route path="orders" element={<OrdersPage />} />
            <Route path="orders/:orderId" element={<OrderPage />} />
            <Route path="orders/:orderId/paypal-return" element={<PaypalReturnPage />} />
            <Route path="sign-in" element={<SignInPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </CartProvider>
    </AuthProvider>
  );
}
