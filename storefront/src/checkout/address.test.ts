import { describe, expect, it } from 'vitest';
import { emptyAddress, readStoredAddress, toAddress, validateAddress } from './address.ts';

const filled = { ...emptyAddress, name: ' Sam ', line1: 'Main St 1', postalCode: '10115', city: 'Berlin' };

describe('shipping address', () => {
  it('asks for every required field', () => {
    expect(Object.keys(validateAddress(emptyAddress)).sort()).toEqual(['city', 'line1', 'name', 'postalCode']);
    expect(validateAddress(filled)).toEqual({});
    expect(validateAddress({ ...filled, country: 'Germany' }).country).toBeDefined();
  });

  it('trims and leaves out empty optional fields', () => {
    expect(toAddress(filled)).toEqual({
      name: 'Sam',
      line1: 'Main St 1',
      postalCode: '10115',
      city: 'Berlin',
      country: 'DE',
    });
    expect(toAddress({ ...filled, line2: ' Apt 2 ', region: 'BE' })).toMatchObject({ line2: 'Apt 2', region: 'BE' });
  });

  it('restores a remembered address and survives junk', () => {
    expect(readStoredAddress(JSON.stringify(filled))).toEqual(filled);
    expect(readStoredAddress('{')).toEqual(emptyAddress);
    expect(readStoredAddress(JSON.stringify({ name: 3 }))).toEqual(emptyAddress);
  });
});
