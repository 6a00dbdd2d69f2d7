/**
 * /admin: the back office inside the storefront, for signed-in admins only. A shopper who opens it is told plainly
 * that it is for admins (the gateway refuses them anyway, with 403); the admin gets the section's navigation and
 * its pages. Everything here reads admin read models and acts only through commands.
 */
import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useAuth } from '../auth/auth-context.ts';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { EmptyState, LoadingState } from '../components/states.tsx';

const SECTIONS = [
  { to: '/admin', label: 'Dashboard', end: true },
  { to: '/admin/products', label: 'Products', end: false },
  { to: '/admin/stock', label: 'Stock', end: false },
  { to: '/admin/orders', label: 'Orders', end: false },
  { to: '/admin/customers', label: 'Customers', end: false },
] as const;

const sectionClass = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap rounded-md px-3 py-1.5 text-sm ${isActive ? 'bg-teal-700 font-semibold text-white' : 'text-stone-800 hover:bg-stone-200'}`;

function AdminsOnly() {
  const { user } = useAuth();
  if (user?.role !== 'admin') {
    return (
      <div data-testid="admins-only">
        <h1 className="sr-only">Back office</h1>
        <EmptyState title="Admins only">
          <p>
            The back office is for the shop's admins. You are signed in as {user?.name ?? 'a shopper'}, who is not one.
          </p>
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-4" data-testid="admin">
      <nav aria-label="Back office" className="-mx-4 overflow-x-auto border-b border-stone-200 px-4 pb-2">
        <ul className="flex gap-1">
          {SECTIONS.map((s) => (
            <li key={s.to}>
              <NavLink
                to={s.to}
                end={s.end}
                className={sectionClass}
                data-testid={`admin-nav-${s.label.toLowerCase()}`}
              >
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Suspense fallback={<LoadingState label="Opening the back office…" />}>
        <Outlet />
      </Suspense>
    </div>
  );
}

export function AdminLayout() {
  return (
    <RequireSignIn reason="Sign in as an admin to open the back office.">
      <AdminsOnly />
    </RequireSignIn>
  );
}
