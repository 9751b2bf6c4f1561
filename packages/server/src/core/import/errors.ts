// The error code of importing users (docs/migrating.md), spread into core/errors.ts's one catalogue.
export const IMPORT_ERROR_STATUS = {
  /** Some lines are bad and skip_invalid was not asked: nothing was written; the body lists the lines. */
  import_invalid: 400,
} as const;
