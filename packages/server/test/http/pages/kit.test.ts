// The page kit's pieces (docs/architecture.md, "Pages"): html`` escapes whatever it is given
// unless it is Html already, the consent form carries the contract's fields and escapes the
// client's name, every language has every message, and t() fills parameters as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, raw, renderConsent, renderError, t, LANGUAGES } from '../../../src/http/pages/index.js';
import { en } from '../../../src/http/pages/messages/en.js';

test('html escapes text, attributes and arrays, and keeps Html as it is', () => {
  const hostile = `"'><script>&\``;
  assert.equal(html`<p title="${hostile}">${hostile}</p>`.text, '<p title="&quot;&#39;&gt;&lt;script&gt;&amp;&#96;">&quot;&#39;&gt;&lt;script&gt;&amp;&#96;</p>');
  assert.equal(html`<ul>${['<a>', html`<li>b</li>`]}</ul>`.text, '<ul>&lt;a&gt;<li>b</li></ul>');
  assert.equal(html`${null}${undefined}${false}${0}`.text, '0');
  assert.equal(html`${raw('<br>')}`.text, '<br>');
});

test('the consent form posts request, csrf and decision=allow|deny to /oauth/authorize/consent, the client\'s name escaped', () => {
  const page = renderConsent({ lang: 'en', clientName: 'Wiki <img src=x>', scopes: ['openid', 'email', 'custom:<x>'], clientId: 'wiki', request: 'R'.repeat(22), csrf: 'token-1' }).text;
  assert.match(page, /<form method="post" action="\/oauth\/authorize\/consent">/);
  assert.match(page, /<input type="hidden" name="request" value="RRRRRRRRRRRRRRRRRRRRRR">/);
  assert.match(page, /<input type="hidden" name="csrf" value="token-1">/);
  assert.match(page, /<button type="submit" name="decision" value="allow">Allow<\/button>/);
  assert.match(page, /<button type="submit" name="decision" value="deny" class="secondary">Deny<\/button>/);
  assert.match(page, /Wiki &lt;img src=x&gt; asks to:/);
  assert.match(page, /<li>See your email address<\/li>/);
  assert.match(page, /<li>custom:&lt;x&gt;<\/li>/);
  assert.match(renderConsent({ lang: 'ko', clientName: 'Wiki', scopes: ['openid'], clientId: 'wiki', request: 'R'.repeat(22), csrf: 'x' }).text, /허용/);
});

test('the error page shows the message as text, and the stable code when given', () => {
  const page = renderError({ lang: 'en', message: '<b>no</b>', code: 'csrf_failed' }).text;
  assert.match(page, /&lt;b&gt;no&lt;\/b&gt;/);
  assert.match(page, /csrf_failed/);
});

test('every language has every message, none empty, with the same parameters as English', () => {
  for (const [lang, messages] of Object.entries(LANGUAGES)) {
    assert.deepEqual(Object.keys(messages).sort(), Object.keys(en).sort(), lang);
    for (const [key, text] of Object.entries(messages)) {
      assert.ok(text.length > 0, `${lang} ${key}`);
      const params = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      assert.deepEqual(params(text), params(en[key as keyof typeof en]), `${lang} ${key}`);
    }
  }
  assert.equal(t('en', 'signin.intro', { product: '<X>' }), 'Sign in to <X>.', 'text: html`` escapes it where it is used');
});
