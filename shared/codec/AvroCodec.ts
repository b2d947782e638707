import avro from 'avsc';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { RetryPolicy } from '../retry/withRetry.js';
import { SchemaRegistryClient } from './SchemaRegistryClient.js';

const MAGIC = 0;

/**
 * Avro in the Confluent wire format (magic byte, 4-byte schema id, body). Schemas are fetched once per id / topic
 * and cached, so the hot path is a synchronous avsc encode/decode after warm-up.
 */
export class AvroCodec {
  private readonly registry: SchemaRegistryClient;
  private readonly writerByTopic = new Map<string, Promise<{ id: number; type: avro.Type }>>();
  private readonly typeById = new Map<number, Promise<avro.Type>>();

  constructor(registryUrl: string, retry?: RetryPolicy) {
    this.registry = new SchemaRegistryClient(registryUrl, 10_000, retry);
  }

  private writer(topic: string): Promise<{ id: number; type: avro.Type }> {
    let found = this.writerByTopic.get(topic);
    if (found === undefined) {
      found = this.registry
        .latest(`${topic}-value`)
        .then(({ id, schema }) => ({ id, type: avro.Type.forSchema(JSON.parse(schema) as avro.Schema) }));
      found.catch(() => this.writerByTopic.delete(topic));
      this.writerByTopic.set(topic, found);
    }
    return found;
  }

  private reader(id: number): Promise<avro.Type> {
    let found = this.typeById.get(id);
    if (found === undefined) {
      found = this.registry.schemaById(id).then((schema) => avro.Type.forSchema(JSON.parse(schema) as avro.Schema));
      found.catch(() => this.typeById.delete(id));
      this.typeById.set(id, found);
    }
    return found;
  }

  async encode(topic: string, value: object): Promise<Buffer> {
    const { id, type } = await this.writer(topic);
    const body = type.toBuffer(value);
    const header = Buffer.alloc(5);
    header.writeUInt8(MAGIC, 0);
    header.writeUInt32BE(id, 1);
    return Buffer.concat([header, body]);
  }

  /**
   * Decodes one record. Garbage bytes are REQ-001 (not retriable: dead-letter them); an unreachable registry
   * propagates as a retriable RegistryError.
   */
  async decode(buffer: Buffer | null): Promise<unknown> {
    if (buffer === null || buffer.length < 6 || buffer.readUInt8(0) !== MAGIC) {
      throw new ParmanaError('REQ-001', { detail: buffer === null ? 'null value' : 'not Confluent-framed Avro' });
    }
    const id = buffer.readUInt32BE(1);
    let type: avro.Type;
    try {
      type = await this.reader(id);
    } catch (err) {
      if (err instanceof Error && 'status' in err && (err as { status?: number }).status === 404) {
        throw new ParmanaError('REQ-001', { detail: `unknown schema id ${id}`, cause: err });
      }
      throw err;
    }
    try {
      return type.fromBuffer(buffer.subarray(5));
    } catch (cause) {
      throw new ParmanaError('REQ-001', { detail: `Avro body does not match schema ${id}`, cause });
    }
  }
}
