import { loadConfig } from '@streamshop/config';
import { describe, expect, it } from 'vitest';
import { localInboxUrl } from './platform.ts';

describe('localInboxUrl (the inbox link npm start prints)', () => {
  it("is Mailpit's inbox when the shop's e-mail goes to the stack's Mailpit (dev mode's default)", () => {
    expect(localInboxUrl(loadConfig({}, { devModeUnlessSet: true }))).toBe('http://localhost:18025');
    const moved = loadConfig(
      { STREAMSHOP_MAILPIT_SMTP_PORT: '2525', STREAMSHOP_MAILPIT_HTTP_PORT: '8025' },
      { devModeUnlessSet: true },
    );
    expect(localInboxUrl(moved)).toBe('http://localhost:8025');
  });

  it('is absent when SMTP_URL names another server: nothing the shop sends shows in that inbox', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://user:secret@smtp.example.com:465' }, { devModeUnlessSet: true });
    expect(localInboxUrl(config)).toBeUndefined();
  });
});
