import { describe, expect, it } from 'vitest';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import { DLQ_HEADERS, deadLetterMessage } from './deadLetterMessage.js';

describe('deadLetterMessage', () => {
  it('keeps key and value bytes verbatim and says why and where in headers', () => {
    const key = Buffer.from([0xff, 0x00, 0x41]);
    const value = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0xde, 0xad]);
    const error = new ParmanaError('REQ-001', { detail: 'Avro body does not match schema 7' });
    const m = deadLetterMessage({ topic: 'parmana.requests', partition: 11, offset: '4242', key, value }, error);
    expect(m.key?.equals(key)).toBe(true);
    expect(m.value?.equals(value)).toBe(true);
    expect(m.headers).toEqual({
      'parmana-dlq-reason': 'REQ-001',
      'parmana-dlq-detail': error.message,
      'parmana-dlq-source-topic': 'parmana.requests',
      'parmana-dlq-source-partition': '11',
      'parmana-dlq-source-offset': '4242',
    });
    expect(m.headers[DLQ_HEADERS.detail]).toContain('does not match schema 7');
  });

  it('carries null keys and tombstones through and bounds the detail header', () => {
    const error = new ParmanaError('REQ-001', { detail: 'x'.repeat(5000) });
    const m = deadLetterMessage({ topic: 't', partition: 0, offset: '0', key: null, value: null }, error);
    expect(m.key).toBeNull();
    expect(m.value).toBeNull();
    expect(m.headers[DLQ_HEADERS.detail].length).toBe(1000);
    expect(m.headers[DLQ_HEADERS.detail].startsWith('REQ-001 ')).toBe(true);
  });
});
