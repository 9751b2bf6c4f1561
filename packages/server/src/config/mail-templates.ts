// Reads the mail templates at start (docs/email.md, "Templates"): the shipped files in
// packages/server/templates/mail/, each replaceable by a file of the same name in
// MAIL_TEMPLATES_DIR. A file that can't be read or names an unknown placeholder stops the start.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MailKind } from '../core/email/mail.js';
import {
  COMMON_VALUES, KIND_VALUES, MAIL_KINDS, renderMail, unknownPlaceholders, type MailTemplate, type MailTemplates,
} from '../core/email/templates.js';
import { ConfigError } from './config-error.js';

/** packages/server/templates/mail, from dist/src/config/. */
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/mail/', import.meta.url));

/** `Subject: …` then a blank line, at the top of each .txt template. */
const SUBJECT_LINE = /^Subject:[ \t]*(.+)\r?\n(?:\r?\n)?/;

export function loadMailTemplates(overridesDir: string | undefined): MailTemplates {
  if (overridesDir !== undefined) checkFolder(overridesDir);
  const templates = new Map<MailKind, MailTemplate>();
  for (const kind of MAIL_KINDS) templates.set(kind, readKind(kind, overridesDir));
  return { render: (kind, values) => renderMail(templates.get(kind)!, values) };
}

/** The folder must be there and readable: a typo would otherwise silently send the shipped mails. */
function checkFolder(dir: string): void {
  try {
    readdirSync(dir);
  } catch (error) {
    throw new ConfigError('MAIL_TEMPLATES_DIR', `cannot read the folder ${dir} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

function readKind(kind: MailKind, overridesDir: string | undefined): MailTemplate {
  const text = readTemplate(`${kind}.txt`, overridesDir);
  const subject = SUBJECT_LINE.exec(text.content);
  if (!subject) throw new ConfigError('MAIL_TEMPLATES_DIR', `${text.path} must start with a "Subject: …" line, then a blank line`);
  const html = readTemplate(`${kind}.html`, overridesDir);
  for (const file of [text, html]) {
    const unknown = unknownPlaceholders(kind, file.content);
    if (unknown.length > 0) {
      const known = [...COMMON_VALUES, ...KIND_VALUES[kind]].map((name) => `{{${name}}}`).join(', ');
      throw new ConfigError('MAIL_TEMPLATES_DIR', `${file.path} uses {{${unknown[0]}}}, which ${kind} mails do not have; they have ${known}`);
    }
  }
  return { subject: subject[1]!.trim(), text: text.content.slice(subject[0].length), html: html.content };
}

function readTemplate(name: string, overridesDir: string | undefined): { path: string; content: string } {
  if (overridesDir !== undefined) {
    const path = join(overridesDir, name);
    try {
      return { path, content: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // a file the folder does not have is not overridden; one it has must be readable
      if (code !== 'ENOENT') throw new ConfigError('MAIL_TEMPLATES_DIR', `cannot read ${path} (${code ?? 'unreadable'})`);
    }
  }
  const path = join(SHIPPED_TEMPLATES_DIR, name);
  return { path, content: readFileSync(path, 'utf8') };
}
