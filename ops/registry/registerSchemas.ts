import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistryClient } from '../../shared/codec/SchemaRegistryClient.js';
import type { TopicSpec } from '../kafka/topicSpecs.js';

/** Registers each topic's schema under its topic-name subject with BACKWARD compatibility. Idempotent. */
export async function registerSchemas(
  registryUrl: string,
  schemasDir: string,
  specs: readonly TopicSpec[],
): Promise<string[]> {
  const registry = new SchemaRegistryClient(registryUrl);
  const report: string[] = [];
  for (const spec of specs) {
    if (spec.schemaFile === undefined) continue;
    const subject = `${spec.name}-value`;
    const schema = JSON.stringify(JSON.parse(readFileSync(join(schemasDir, spec.schemaFile), 'utf8')));
    const id = await registry.register(subject, schema);
    await registry.setCompatibility(subject, 'BACKWARD');
    report.push(`${subject} -> schema id ${id}`);
  }
  return report;
}
