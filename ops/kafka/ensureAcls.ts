import kafkajs from 'kafkajs';
import type { KafkaAdmin as Admin } from '../../kafka/createKafkaAdmin.js';
import type { AclSpec } from './aclSpecs.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const RESOURCE = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
} as const;

/** Creates every binding (creating one that exists is a no-op on the broker); returns how many were sent. */
export async function ensureAcls(admin: Admin, specs: readonly AclSpec[]): Promise<number> {
  if (specs.length === 0) return 0;
  await admin.createAcls({
    acl: specs.map((s) => ({
      principal: `User:${s.principal}`,
      host: '*',
      resourceType: RESOURCE[s.resource],
      resourceName: s.name,
      resourcePatternType: s.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      operation: s.operation === 'read' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  });
  return specs.length;
}
