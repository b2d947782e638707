import { kafkaPart } from './kafkaPart.js';
import { postgresPart } from './postgresPart.js';
import { redisPart } from './redisPart.js';
import { registryPart } from './registryPart.js';
import type { StackPart } from './StackPart.js';

/** Start order: the registry keeps its schemas in Postgres, so Postgres comes first. `down` runs in reverse. */
export const STACK_PARTS: readonly StackPart[] = [postgresPart, redisPart, kafkaPart, registryPart];
