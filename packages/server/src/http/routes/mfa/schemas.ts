// The answer shape the user's and the admin's factor views share.
export const factorSummarySchema = {
  type: 'object',
  description: 'The second factors of a user (never a secret or a code)',
  properties: {
    totp: {
      type: ['object', 'null'],
      properties: { confirmed: { type: 'boolean', description: 'false while enrolment waits for its first code' }, created_at: { type: 'string', format: 'date-time' } },
      required: ['confirmed', 'created_at'],
    },
    recovery_codes_remaining: { type: 'integer' },
  },
  required: ['totp', 'recovery_codes_remaining'],
} as const;
