import { describe, expect, it } from 'vitest';
import { driveConfig, oauthClient } from './config';

const builtIn = { id: 'built-in.apps', secret: 'b' };

describe('the OAuth client Cairn signs in as', () => {
  it("is the user's own (environment, then settings) before the built-in one, else none", () => {
    const env = { CAIRN_GOOGLE_CLIENT_ID: 'env.apps', CAIRN_GOOGLE_CLIENT_SECRET: 'e' };
    const settings = { clientId: 'mine.apps', clientSecret: 'm' };
    expect(oauthClient(settings, env, builtIn)).toEqual({
      id: 'env.apps',
      secret: 'e',
      source: 'environment',
    });
    expect(oauthClient(settings, {}, builtIn)).toEqual({ id: 'mine.apps', secret: 'm', source: 'settings' });
    expect(oauthClient({}, {}, builtIn)).toEqual({ ...builtIn, source: 'built-in' });
    expect(oauthClient({}, {}, null)).toBeNull();
    expect(driveConfig({}, {}, builtIn).clientId).toBe('built-in.apps');
  });

  it('says where to make one when there is none, and refuses half a client', () => {
    expect(() => driveConfig({}, {}, null)).toThrow(
      /no Google OAuth client built in: .*console\.cloud\.google\.com.*Google Drive page.*--client-id/,
    );
    expect(() => oauthClient({ clientId: 'mine.apps' }, {}, builtIn)).toThrow(/only the ID is set/);
  });
});
