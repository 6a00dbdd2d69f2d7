/**
 * Where a sign-in lands: where the person was going, except that an admin who was going nowhere in particular (the
 * shop's front page) lands on the back office, which is what the demo admin signs in for.
 */
import type { Role } from '../api/types.ts';

export function landingPath(next: string, role: Role | undefined): string {
  return role === 'admin' && next === '/' ? '/admin' : next;
}
