// The demo page's mailed-link flows, run in the browser: forgot password, magic link and code,
// verification, address change and account deletion, and the pages the mailed links open
// (/demo/<page>?token=…: the same page; this script reads the path and the token).
import { client, element, onSubmit, say, tell } from './demo-kit.js';

type LinkPage = (token: string) => Promise<void>;

const LINK_PAGES: Record<string, LinkPage> = {
  'verify-email': async (token) => tell(`${(await client.verifyEmail({ token })).email} is verified.`),
  'magic-link': async (token) => {
    await client.verifyMagicLink({ token });
    tell('Logged in with the mailed link.');
  },
  'confirm-email-change': async (token) => tell(`Your address is now ${(await client.confirmEmailChange({ token })).email}.`),
  // a button, not on load: a mail scanner that opens the link changes nothing
  'cancel-email-change': async (token) => {
    const form = element<HTMLFormElement>('cancel-change-form');
    form.hidden = false;
    onSubmit('cancel-change-form', async () => {
      const user = await client.cancelEmailChange({ token });
      form.hidden = true;
      tell(`The change is cancelled: ${user.email} stays the address, and every session has ended. Change your password now.`);
    });
  },
  'reset-password': async (token) => {
    await client.checkResetLink({ token }); // a used or dead link says so at once, with no form to fill
    const form = element<HTMLFormElement>('reset-form');
    form.hidden = false;
    onSubmit('reset-form', async ({ email, new_password: password }) => {
      await client.resetPassword({ token, new_password: password! });
      form.hidden = true; // the password changed: whatever the login below says, the form is done
      tell('Your password is set.');
      // the address typed may not be the account's: then the reset still happened, only this login did not
      const loggedIn = await client.login({ email: email!, password: password! }).then(() => true, () => false);
      tell(loggedIn ? 'Your password is set, and you are logged in.' : 'Your password is set: log in with it below (with the account\'s username or address).');
    });
  },
};

/** Opens the page of a mailed link, then takes the token out of the address bar and history. */
export async function openMailedLink(): Promise<void> {
  const token = new URLSearchParams(location.search).get('token');
  const page = LINK_PAGES[location.pathname.replace(/^\/demo\/?/, '')];
  if (!token || !page) return;
  history.replaceState(null, '', '/demo');
  await page(token).catch((error: Error) => say(error.message));
}

export function mailForms(): void {
  element('forgot').addEventListener('click', () => {
    element('forgot-form').hidden = false;
  });
  onSubmit('forgot-form', async ({ email }) => {
    await client.forgotPassword({ email: email! });
    tell('If an account has this address, a reset link is on its way.');
  });
  onSubmit('magic-form', async ({ email }) => {
    await client.requestMagicLink({ email: email! });
    element('code-form').hidden = false;
    tell('If an account has this address, a link and a code are on their way.');
  });
  onSubmit('code-form', ({ code }) => client.verifyMagicLink({ email: element<HTMLInputElement>('magic-email').value, code: code! }));
  element('send-verification').addEventListener('click', () => {
    say('');
    client.requestEmailVerification().then(() => tell('A verification link is on its way.'), (error: Error) => say(error.message));
  });
  onSubmit('email-form', async (values) => {
    await client.changeEmail({ new_email: values.new_email!, current_password: values.current_password! });
    tell('A confirmation link is on its way to the new address.');
  });
  onSubmit('delete-form', async ({ current_password: password }) => {
    await client.deleteAccount({ current_password: password! });
    tell('Your account is deleted.');
  });
}
