// The pages' one escaping function (docs/architecture.md, "Pages"): `html` is a tagged template
// whose every interpolated value is escaped unless it is already Html (another html`` or raw()).
// Arrays are joined, each item by the same rule, so a list of pieces needs no join of strings.

/** Markup known to be safe: made by html`` or raw() only. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text → markup, safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ESCAPES[char]!);
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function piece(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i += 1) text += piece(values[i]!) + strings[i + 1]!;
  return new Html(text);
}

/** Markup taken as it is: only for constants of the source, never for anything a request carries. */
export const raw = (text: string): Html => new Html(text);
