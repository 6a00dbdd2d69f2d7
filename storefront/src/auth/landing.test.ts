import { describe, expect, it } from 'vitest';
import { landingPath } from './landing.ts';

describe('landing after sign-in', () => {
  it('an admin going to the front page lands on /admin', () => {
    expect(landingPath('/', 'admin')).toBe('/admin');
  });
  it('anyone going somewhere in particular goes there', () => {
    expect(landingPath('/orders/o-1', 'admin')).toBe('/orders/o-1');
    expect(landingPath('/', 'shopper')).toBe('/');
    expect(landingPath('/checkout', 'shopper')).toBe('/checkout');
  });
});
