// The pages' theme (docs/pages.md): the product name (PRODUCT_NAME), a logo and the colours
// (PAGES_*), handed to the page kit (http/pages/theme.ts) as CSS variables of its own stylesheet.
import { ConfigError } from './config-error.js';

type Env = Record<string, string | undefined>;

export interface PageSettings {
  /** PRODUCT_NAME (the mails' too): shown in every page's header and title. */
  productName: string;
  /** PAGES_LOGO_URL: a path on Gatehouse's origin (/logo.svg) or an https URL of the deployment's own; undefined = no logo. */
  logoUrl: string | undefined;
  /** PAGES_COLOR_*: CSS colours, #rgb or #rrggbb. */
  colors: { primary: string; background: string; text: string };
}

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** `productName` is PRODUCT_NAME as config/email-settings.ts reads it: one name for the mails and the pages. */
export function readPageSettings(env: Env, productName: string): Readonly<PageSettings> {
  const value = (name: string) => env[name]?.trim() || undefined;
  const color = (name: string, fallback: string) => {
    const text = value(name) ?? fallback;
    if (!HEX_COLOR.test(text)) throw new ConfigError(name, 'must be a colour written #rgb or #rrggbb, e.g. #1d4ed8');
    return text;
  };
  return Object.freeze({
    productName,
    logoUrl: readLogoUrl(value('PAGES_LOGO_URL')),
    colors: Object.freeze({
      primary: color('PAGES_COLOR_PRIMARY', '#1d4ed8'),
      background: color('PAGES_COLOR_BACKGROUND', '#ffffff'),
      text: color('PAGES_COLOR_TEXT', '#1f2937'),
    }),
  });
}

function readLogoUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (/^\/(?!\/)[^\s"'<>\\]*$/.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('PAGES_LOGO_URL', 'must be a path (/logo.svg) or an https URL');
  }
  if (url.protocol !== 'https:' || url.username || url.password) throw new ConfigError('PAGES_LOGO_URL', 'must be a path (/logo.svg) or an https URL');
  return url.href;
}
