// The pages' languages (docs/pages.md, "Translating"): one file of messages per language under
// messages/, listed once in LANGUAGES; the page's language comes from ui_locales, then
// Accept-Language, then English.
import type { FastifyRequest } from 'fastify';
import { en, type MessageKey, type Messages } from './messages/en.js';
import { ko } from './messages/ko.js';

/** The languages the pages speak: a third is its messages file and one entry here. */
export const LANGUAGES = { en, ko } as const satisfies Record<string, Messages>;

export type Lang = keyof typeof LANGUAGES;
export type { MessageKey };

const isLang = (tag: string): tag is Lang => Object.hasOwn(LANGUAGES, tag);

/** The supported language of a BCP 47 tag ("ko-KR" → ko), or undefined. */
function langOf(tag: string): Lang | undefined {
  const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
  return isLang(primary) ? primary : undefined;
}

/**
 * The page's language: the first supported tag of `uiLocales` (OpenID Connect's ui_locales,
 * space-separated, in order of preference), then of the request's Accept-Language by its q
 * values, then English.
 */
export function pickLang(request: FastifyRequest, uiLocales?: string): Lang {
  for (const tag of (uiLocales ?? '').split(' ').slice(0, 20)) {
    const lang = tag ? langOf(tag) : undefined;
    if (lang) return lang;
  }
  const header = request.headers['accept-language'];
  if (typeof header === 'string' && header.length <= 1024) {
    const ranked = header.split(',').slice(0, 30).map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    }).filter(({ q }) => q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
    for (const { tag } of ranked) {
      const lang = langOf(tag);
      if (lang) return lang;
    }
  }
  return 'en';
}

/** The message `key` in `lang`, with each {name} replaced by params[name]. The result is text: html`` escapes it. */
export function t(lang: Lang, key: MessageKey, params?: Readonly<Record<string, string>>): string {
  const message: string = LANGUAGES[lang][key];
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
