// The provider names other systems use for the identity providers Gatehouse ships presets for
// (docs/federation.md), so an imported identity links to FEDERATION_PROVIDERS' id; others pass as they are.
const PRESET_IDS: Record<string, string> = {
  'google-oauth2': 'google', 'google.com': 'google', 'github.com': 'github', 'microsoft.com': 'microsoft', 'apple.com': 'apple',
};

export function providerId(name: string): string {
  return PRESET_IDS[name] ?? name.toLowerCase();
}
