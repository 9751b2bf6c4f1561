// The demo page's second-factor parts, run in the browser: TOTP enrolment (the QR code, then the
// recovery codes, shown once) for a signed-in user, and the second step of a login that answered
// mfa_required.
import { MfaRequiredError, SECOND_FACTORS, type AuthClient } from '@gatehouse-auth/client';

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function codeOf(form: HTMLFormElement): string {
  return String(new FormData(form).get('code') ?? '').trim();
}

export function setupMfa(client: AuthClient, say: (text: string) => void) {
  let mfaToken = '';
  const secondStep = element<HTMLFormElement>('mfa-form');

  async function showFactors(): Promise<void> {
    const { totp, recovery_codes_remaining: left } = await client.factors();
    const on = totp?.confirmed === true;
    element('mfa-status').textContent = on ? `TOTP is on; ${left} recovery codes left.` : 'TOTP is off.';
    element('totp-start').hidden = on;
  }

  element('totp-start').addEventListener('click', () => void client.startTotpEnrolment().then((enrolment) => {
    element('totp-qr').innerHTML = enrolment.qr_svg; // the server's SVG: a QR code, no script
    element('totp-secret').textContent = enrolment.secret;
    element('totp-enrol').hidden = false;
  }, (error: Error) => say(error.message)));

  element<HTMLFormElement>('totp-confirm-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void client.confirmTotp(codeOf(event.target as HTMLFormElement)).then(({ recovery_codes }) => {
      element('totp-enrol').hidden = true;
      element('recovery-codes').textContent = recovery_codes.join('\n');
      element('recovery').hidden = false;
      return showFactors();
    }, (error: Error) => say(error.message));
  });

  secondStep.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const picked = String(new FormData(form).get('factor'));
    const factor = SECOND_FACTORS.find((name) => name === picked) ?? 'totp';
    void client.verifyMfa(mfaToken, factor, codeOf(form)).then(() => {
      secondStep.hidden = true;
      form.reset();
    }, (error: Error) => say(error.message));
  });

  return {
    /** A login threw: show the second step when it is mfa_required; false for any other error. */
    secondStepFor(error: unknown): boolean {
      if (!(error instanceof MfaRequiredError)) return false;
      mfaToken = error.mfaToken;
      secondStep.hidden = false;
      say('');
      return true;
    },
    render(signedIn: boolean): void {
      if (!signedIn) {
        element('recovery').hidden = true;
        element('totp-enrol').hidden = true;
        return;
      }
      secondStep.hidden = true;
      void showFactors().catch((error: Error) => say(error.message));
    },
  };
}
