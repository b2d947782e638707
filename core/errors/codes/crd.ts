import { codes } from '../CodeEntry.js';

/** Credentials files (CRD-xxx): the per-process passwords for Kafka, Postgres and Redis that `dev init` generates. */
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
});
