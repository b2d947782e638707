import { codes } from '../CodeEntry.js';

/** The Kafka port (KAF-xxx): what a caller must know to choose between waiting, re-reading and giving up. */
export const KAF_CODES = codes({
  'KAF-001': {
    message: 'Kafka unavailable or too slow to answer (brokers down, no leader, timeout): retry later',
    retriable: true,
  },
  'KAF-002': {
    message: 'Kafka refused the request (record too large, unknown topic, bad configuration)',
    retriable: false,
  },
  'KAF-003': {
    message: 'Transaction fenced or aborted: the partition moved to another member or the producer was replaced',
    retriable: true,
  },
  'KAF-004': {
    message: 'The configured Kafka client library is not available in this installation',
    retriable: false,
  },
  'KAF-005': {
    message: "Kafka authentication failed: wrong or unknown credentials (check the process's credentials file)",
    retriable: false,
  },
  'KAF-006': {
    message: "Kafka denied the operation: the principal's ACLs do not allow it (topic, group or transactional id)",
    retriable: false,
  },
});
