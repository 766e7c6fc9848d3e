import { canonicalJson } from '@/lib/canonical-json';

import { sha256 } from './event-hash';

/** The previous hash of the first seal. */
export const genesisHash = '0'.repeat(64);

/** One digest of a seal's event list: binds every hash to its seq and to its place in the list. */
export function eventsDigest(seqs: readonly number[], hashes: readonly string[]): string {
  let text = '';
  for (let index = 0; index < seqs.length; index++) text += `${seqs[index]}:${hashes[index]}\n`;
  return sha256(text);
}

export type SealContent = {
  id: number;
  sealedAt: Date;
  eventCount: number;
  eventsDigest: string;
  lastTxid: number;
  lastSeq: number;
  prevHash: string;
};

/** A seal's hash covers its events' digest and the previous seal's hash: the chain. */
export function hashSeal(seal: SealContent): string {
  return sha256(canonicalJson({ ...seal, sealedAt: seal.sealedAt.toISOString() }));
}
