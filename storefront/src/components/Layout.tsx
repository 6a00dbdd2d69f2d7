/** The frame around every page: the header (shop name, catalog, my orders, cart count, who is signed in) and main. */
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/auth-context.ts';
import { useCart } from '../cart/CartProvider.tsx';
import { itemCount } from '../cart/cart.ts';
import { signInPath } from './RequireSignIn.tsx';

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 hover:bg-stone-100 ${isActive ? 'font-semibold text-teal-800' : 'text-stone-700'}`;

export function Layout() {
  const { cart } = useCart();
  const { user, ready, signOut } = useAuth();
  const location = useLocation();
  const count = itemCount(cart);

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-stone-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link to="/" className="text-xl font-bold tracking-tight text-teal-800">
            streamshop
          </Link>
          <nav
            aria-label="Main"
            className="order-last flex w-full flex-wrap items-center gap-1 text-sm sm:order-none sm:w-auto sm:flex-1"
          >
            <NavLink to="/" end className={navClass}>
              Catalog
            </NavLink>
            <NavLink to="/orders" end className={navClass}>
              My orders
            </NavLink>
            {user?.role === 'admin' && (
              <NavLink to="/admin" className={navClass} data-testid="admin-link">
                Back office
              </NavLink>
            )}
            <NavLink to="/cart" className={navClass} data-testid="cart-link">
              Cart <span data-testid="cart-count">{count}</span>
              <span className="sr-only"> items</span>
            </NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-2 text-sm">
            {ready && user ? (
              <>
                <span data-testid="signed-in-user" className="text-stone-700">
                  {user.name}
                </span>
                <button type="button" className="btn-secondary" onClick={() => void signOut()}>
                  Sign out
                </button>
              </>
            ) : ready ? (
              <Link
                className="btn-primary"
                to={signInPath(location.pathname === '/sign-in' ? '/' : location.pathname + location.search)}
              >
                Sign in
              </Link>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
