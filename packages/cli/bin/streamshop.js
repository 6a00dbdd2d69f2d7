#!/usr/bin/env node
// The `streamshop` command. The code is TypeScript run through tsx, so there is no build step between an edit
// and the next run.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
