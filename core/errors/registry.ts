import { API_CODES } from './codes/api.js';
import { ATT_CODES } from './codes/att.js';
import { BND_CODES } from './codes/bnd.js';
import { CAN_CODES } from './codes/can.js';
import { CRD_CODES } from './codes/crd.js';
import { INV_CODES } from './codes/inv.js';
import { KAF_CODES } from './codes/kaf.js';
import { LOG_CODES } from './codes/log.js';
import { POL_CODES } from './codes/pol.js';
import { REG_CODES } from './codes/reg.js';
import { REQ_CODES } from './codes/req.js';
import { SIG_CODES } from './codes/sig.js';
import { TRU_CODES } from './codes/tru.js';
import { VAL_CODES } from './codes/val.js';
import type { CodeEntry } from './CodeEntry.js';

/** Each area's table on its own, so the uniqueness test can see a code defined twice (a spread would hide it). */
export const CODE_TABLES: Readonly<Record<string, Readonly<Record<string, CodeEntry>>>> = {
  CAN: CAN_CODES,
  POL: POL_CODES,
  VAL: VAL_CODES,
  BND: BND_CODES,
  TRU: TRU_CODES,
  ATT: ATT_CODES,
  INV: INV_CODES,
  REQ: REQ_CODES,
  API: API_CODES,
  KAF: KAF_CODES,
  REG: REG_CODES,
  LOG: LOG_CODES,
  SIG: SIG_CODES,
  CRD: CRD_CODES,
};

/** The one registry of error codes. */
export const ERROR_CODES = {
  ...CAN_CODES,
  ...POL_CODES,
  ...VAL_CODES,
  ...BND_CODES,
  ...TRU_CODES,
  ...ATT_CODES,
  ...INV_CODES,
  ...REQ_CODES,
  ...API_CODES,
  ...KAF_CODES,
  ...REG_CODES,
  ...LOG_CODES,
  ...SIG_CODES,
  ...CRD_CODES,
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;
