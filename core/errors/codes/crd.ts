import { codes } from '../CodeEntry.js';

/**
 * Credentials and privileges (CRD-xxx): the per-process passwords for Kafka, Postgres and Redis that `dev init`
 * generates, and what Postgres says of them (Kafka's own refusals are KAF-005/KAF-006).
 */
export const CRD_CODES = codes({
  'CRD-001': { message: 'Credentials file missing or unreadable', retriable: false },
  'CRD-002': {
    message: 'Credentials file malformed: expected JSON {"username": "...", "password": "..."}',
    retriable: false,
  },
  'CRD-003': {
    message: 'Credentials file is readable by other users: make it 0600 (chmod 600)',
    retriable: false,
  },
  'CRD-004': {
    message:
      "Postgres refused the role's credentials (wrong password or unknown role): check the process's credentials file",
    retriable: false,
  },
  'CRD-005': {
    message: "Postgres denied the statement to this process's role: a grant is missing (run `provision` as the owner)",
    retriable: false,
  },
});
