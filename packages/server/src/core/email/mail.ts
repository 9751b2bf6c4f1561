// The mails Gatehouse sends, as the flows ask for them: a kind (its template) and the values the
// template shows. The mail layer seals them into an outbox row; the sender renders and delivers.

export type MailKind =
  | 'verify_email' // link (+ token) to verify the address
  | 'reset_password' // link to set a new password
  | 'password_reset_notice' // the password was reset (to the account's address)
  | 'magic_link' // link and 6-digit code to log in
  | 'change_email_confirm' // link, sent to the new address
  | 'change_email_notice' // to the old address: a change was asked for (and, once confirmed, done)
  | 'security_change' // a way into the account changed (a factor, a passkey, a linked identity, the password)
  | 'registration_attempt' // someone tried to register with this address (EMAIL_VERIFICATION=required)
  | 'account_deleted'; // the account is gone

/** A mail a flow wants sent. `values` are what its template shows; `link`, when given, already holds the token. */
export interface MailRequest {
  kind: MailKind;
  to: string;
  values: Readonly<Record<string, string>>;
}
