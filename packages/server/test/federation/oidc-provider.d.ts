// oidc-provider ships no types; the tests use it through the few calls in test-provider.ts.
declare module 'oidc-provider' {
  const Provider: any;
  export default Provider;
}
