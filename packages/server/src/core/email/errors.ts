// The error codes of the mail flows (docs/email.md), merged into the one catalogue in core/errors.ts.
export const EMAIL_ERROR_STATUS = {
  /** A mailed link's token that is unknown, used, superseded or no longer matches the account. */
  link_invalid: 400,
  link_expired: 400,
  /** A magic-link code that is wrong, or whose login has no live code (answers alike for unknown addresses). */
  invalid_code: 400,
  email_unchanged: 400,
  /** EMAIL_VERIFICATION=required and the address is not verified yet. */
  email_not_verified: 403,
  email_already_verified: 409,
  /** The flow is turned off (PASSWORD_RESET=off, MAGIC_LINK=off, EMAIL_VERIFICATION=off). */
  feature_disabled: 404,
} as const;
