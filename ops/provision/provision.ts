import { join } from 'node:path';
import { createKafkaAdmin, isRetriableAdminError } from '../../kafka/createKafkaAdmin.js';
import { withRetry } from '../../shared/retry/withRetry.js';
import type { Config } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { aclSpecs } from '../kafka/aclSpecs.js';
import { ensureAcls } from '../kafka/ensureAcls.js';
import { ensureTopics, replicationFor } from '../kafka/ensureTopics.js';
import { kafkaPrincipalNames } from '../kafka/kafkaPrincipalNames.js';
import { topicSpecs } from '../kafka/topicSpecs.js';
import { registerSchemas } from '../registry/registerSchemas.js';
import { kafkaConnection } from '../runtime/kafkaConnection.js';
import { databaseUrlAs } from '../runtime/databaseConnection.js';

/** Topics with their partition counts, schemas under topic-name subjects (BACKWARD), audit migrations. Idempotent. */
export async function provision(config: Config, root: string, print: (line: string) => void): Promise<void> {
  const specs = topicSpecs(config);
  const connection = kafkaConnection(config, 'admin', root);
  const admin = createKafkaAdmin(connection, `${config.clientId}-provision`);
  await admin.connect();
  try {
    const brokers = (await admin.describeCluster()).brokers.length;
    const replication = replicationFor(config.replicationFactor, brokers);
    // Right after topics are created a cluster may not know them on every broker yet: retried, idempotently.
    const report = await withRetry(
      () => ensureTopics(admin, specs, replication),
      { attempts: 6, deadlineMs: 60_000, baseMs: 500, maxMs: 5_000 },
      { isRetriable: isRetriableAdminError },
    );
    for (const line of report) print(`topic: ${line}`);
    // A stack without authentication has no authorizer: ACLs only where the admin principal logs in.
    if (connection.sasl !== undefined) {
      const specs = aclSpecs(config, kafkaPrincipalNames(config, root));
      await withRetry(
        () => ensureAcls(admin, specs),
        { attempts: 6, deadlineMs: 60_000, baseMs: 500, maxMs: 5_000 },
        { isRetriable: isRetriableAdminError },
      );
      print(`acl: ${specs.length} bindings for ${new Set(specs.map((s) => s.principal)).size} principals`);
    }
  } finally {
    await admin.disconnect();
  }
  for (const line of await registerSchemas(config.schemaRegistryUrl, join(root, 'schemas'), specs))
    print(`schema: ${line}`);
  // As the owner role: it owns every table, and grants each service role exactly its privileges.
  const applied = await migrate(databaseUrlAs(config, 'owner', root), join(root, 'ops/migrations'));
  print(`database: ${applied.length === 0 ? 'migrations up to date' : `applied ${applied.join(', ')}`}`);
}
