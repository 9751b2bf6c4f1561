// Mailed links (docs/architecture.md, "Mail"): the page a setting names (LINK_VERIFY_EMAIL, …) with
// the one-time token as its `token` query parameter; a query the pattern already has is kept.

/** `pattern` with `token` set as its `token` query parameter (replacing one the pattern has). */
export function buildMailLink(pattern: string, token: string): string {
  const url = new URL(pattern);
  url.searchParams.set('token', token);
  return url.href;
}
