// The default OAuth client a build embeds (scripts/build.mjs defines __CAIRN_OAUTH_CLIENT__ from
// CAIRN_GOOGLE_CLIENT_ID and CAIRN_GOOGLE_CLIENT_SECRET at build time); none when run from source.
declare const __CAIRN_OAUTH_CLIENT__: { id: string; secret: string } | null | undefined;

/** The OAuth client built into this copy of Cairn, or null. */
export function embeddedClient(): { id: string; secret: string } | null {
  return typeof __CAIRN_OAUTH_CLIENT__ === 'undefined' ? null : __CAIRN_OAUTH_CLIENT__;
}
