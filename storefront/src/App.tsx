/**
 * The storefront's shell: load the public config (which auth mode, which payment options), then the auth provider
 * it calls for, the cart, and the routes.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { AdminLayout } from './admin/AdminLayout.tsx';
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
// The back office's pages load only when an admin opens them, each on its own (recharts only with the dashboard).
const DashboardPage = lazy(() => import('./admin/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const ProductsPage = lazy(() => import('./admin/ProductsPage.tsx').then((m) => ({ default: m.ProductsPage })));
const ProductEditPage = lazy(() => import('./admin/ProductEditPage.tsx').then((m) => ({ default: m.ProductEditPage })));
const StockPage = lazy(() => import('./admin/StockPage.tsx').then((m) => ({ default: m.StockPage })));
const StockItemPage = lazy(() => import('./admin/StockItemPage.tsx').then((m) => ({ default: m.StockItemPage })));
const AdminOrdersPage = lazy(() => import('./admin/AdminOrdersPage.tsx').then((m) => ({ default: m.AdminOrdersPage })));
const AdminOrderPage = lazy(() => import('./admin/AdminOrderPage.tsx').then((m) => ({ default: m.AdminOrderPage })));
const CustomersPage = lazy(() => import('./admin/CustomersPage.tsx').then((m) => ({ default: m.CustomersPage })));
const CustomerPage = lazy(() => import('./admin/CustomersPage.tsx').then((m) => ({ default: m.CustomerPage })));

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
            <Route path="admin" element={<AdminLayout />}>
              <Route index element={<DashboardPage />} />
              <Route path="products" element={<ProductsPage />} />
              <Route path="products/new" element={<ProductEditPage />} />
              <Route path="products/:productId" element={<ProductEditPage />} />
              <Route path="stock" element={<StockPage />} />
              <Route path="stock/:sku" element={<StockItemPage />} />
              <Route path="orders" element={<AdminOrdersPage />} />
              <Route path="orders/:orderId" element={<AdminOrderPage />} />
              <Route path="customers" element={<CustomersPage />} />
              <Route path="customers/:customerId" element={<CustomerPage />} />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </CartProvider>
    </AuthProvider>
  );
}
