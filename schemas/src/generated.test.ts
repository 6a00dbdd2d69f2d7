import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTypes } from './codegen.ts';
import { loadSchemaSet } from './schema-set.ts';

describe('generated types', () => {
  it('match the .avsc files (run `npm run schemas:generate` when this fails)', () => {
    const committed = readFileSync(new URL('./generated/types.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderTypes(loadSchemaSet()));
  });
});
