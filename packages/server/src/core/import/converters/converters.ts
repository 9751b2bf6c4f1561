// The exports `--from` reads (docs/migrating.md): each turns its source's records into import lines.
// Auth0 and Supabase are JSON lines; Firebase is one JSON document plus the project's hash parameters.
import type { SourceLine } from '../import-users.js';
import { fromAuth0 } from './auth0.js';
import { fromFirebase, type FirebaseHashConfig } from './firebase.js';
import { fromSupabase } from './supabase.js';

export const SOURCES = ['auth0', 'firebase', 'supabase'] as const;
export type Source = (typeof SOURCES)[number];

/** Maps parsed JSON lines, keeping the unparsable ones as they are (they are reported by number). */
export function convertLines(source: 'auth0' | 'supabase', lines: SourceLine[], nowMs: number): SourceLine[] {
  const convert = source === 'auth0' ? fromAuth0 : (value: unknown) => fromSupabase(value, nowMs);
  return lines.map((item) => ('error' in item ? item : { line: item.line, value: convert(item.value) }));
}

/** A Firebase export document's users as lines; a document that is not JSON is a TypeError naming why. */
export function convertFirebase(text: string, config: FirebaseHashConfig | undefined): SourceLine[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new TypeError('a Firebase export is one JSON document (firebase auth:export users.json --format=json)');
  }
  return fromFirebase(document, config);
}
