import 'server-only';

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { desc, inArray } from 'drizzle-orm';

import { dataDir } from '@/db/config';
import { getDb } from '@/db';
import { auditSeals } from '@/db/schema';
import { canonicalJson } from '@/lib/canonical-json';
import { env } from '@/lib/env';

/**
 * Signed checkpoints of the audit trail's head, kept outside the database. The seal chain shows any
 * change inside it, but not a cut: deleting the newest seals with their events leaves a shorter chain
 * that is intact. A checkpoint — the newest seal's id and hash, signed with the installation's
 * Ed25519 key — written to the server log and, when configured, to an append-only file or a URL,
 * lets `npm run audit:verify -- --checkpoint <file>` tell that the trail once reached further.
 */

export type Checkpoint = {
  type: 'stageway.audit.checkpoint';
  sealId: number;
  sealHash: string;
  lastSeq: number;
  sealedAt: string;
  /** The signer's public key (SPKI DER, base64), so a file can be checked against a trusted one. */
  publicKey: string;
  signature: string;
};

let cachedKey: KeyObject | undefined;

/**
 * The installation's signing key: AUDIT_SIGNING_KEY (a PKCS#8 PEM), else a key generated on first
 * use and kept beside the embedded data (`audit-signing-key.pem`, readable by its owner only).
 */
export function signingKey(): KeyObject {
  if (cachedKey) return cachedKey;
  if (env.AUDIT_SIGNING_KEY) return (cachedKey = createPrivateKey(env.AUDIT_SIGNING_KEY));
  if (dataDir === 'memory://') return (cachedKey = generateKeyPairSync('ed25519').privateKey);
  const file = path.join(dataDir, 'audit-signing-key.pem');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process wrote it first: use theirs.
    }
  }
  return (cachedKey = createPrivateKey(fs.readFileSync(file, 'utf8')));
}

export function publicKeyOf(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
}

function signedBytes(checkpoint: Omit<Checkpoint, 'publicKey' | 'signature'>): Buffer {
  const { type, sealId, sealHash, lastSeq, sealedAt } = checkpoint;
  return Buffer.from(canonicalJson({ type, sealId, sealHash, lastSeq, sealedAt }));
}

export function signCheckpoint(
  seal: { id: number; hash: string; lastSeq: number; sealedAt: Date },
  key: KeyObject = signingKey(),
): Checkpoint {
  const body = {
    type: 'stageway.audit.checkpoint' as const,
    sealId: seal.id,
    sealHash: seal.hash,
    lastSeq: seal.lastSeq,
    sealedAt: seal.sealedAt.toISOString(),
  };
  return {
    ...body,
    publicKey: publicKeyOf(key),
    signature: sign(null, signedBytes(body), key).toString('base64'),
  };
}

function signatureHolds(checkpoint: Checkpoint): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(checkpoint.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return verify(null, signedBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Signs the newest seal and publishes the checkpoint: one line in the server log, appended to
 * AUDIT_CHECKPOINT_FILE, POSTed to AUDIT_CHECKPOINT_URL. A failed publication is logged and the next
 * sealing round publishes a newer head; it never stops sealing.
 */
export async function publishCheckpoint(
  targets: { file?: string; url?: string; log?: boolean } = {
    file: env.AUDIT_CHECKPOINT_FILE,
    url: env.AUDIT_CHECKPOINT_URL,
    log: true,
  },
): Promise<Checkpoint | null> {
  const [seal] = await getDb()
    .select({
      id: auditSeals.id,
      hash: auditSeals.hash,
      lastSeq: auditSeals.lastSeq,
      sealedAt: auditSeals.sealedAt,
    })
    .from(auditSeals)
    .orderBy(desc(auditSeals.id))
    .limit(1);
  if (!seal) return null;
  const checkpoint = signCheckpoint(seal);
  const line = JSON.stringify(checkpoint);
  if (targets.log) console.info(line);
  if (targets.file) {
    try {
      await fs.promises.appendFile(targets.file, `${line}\n`, { mode: 0o640 });
    } catch (error) {
      console.error(`Stageway: could not append the audit checkpoint to ${targets.file}`, error);
    }
  }
  if (targets.url) {
    try {
      const response = await fetch(targets.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: line,
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      console.error(`Stageway: could not post the audit checkpoint to ${targets.url}`, error);
    }
  }
  return checkpoint;
}

export type CheckpointReport = {
  /** Checkpoints read and checked against the trail. */
  checked: number;
  /** The furthest point the trail is known to have reached. */
  newest: { sealId: number; sealedAt: string } | null;
  problems: string[];
};

/**
 * Checks the trail against checkpoints kept outside it (one JSON checkpoint per line): each must be
 * signed (by `trustedKey` when given), and its seal must still be in the database with the same hash.
 * A missing seal means the trail was cut back after the checkpoint was published.
 */
export async function verifyCheckpoints(text: string, trustedKey?: string): Promise<CheckpointReport> {
  const problems: string[] = [];
  const checkpoints: Checkpoint[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    let parsed: Checkpoint;
    try {
      parsed = JSON.parse(line) as Checkpoint;
    } catch {
      problems.push(`Line ${index + 1} is not a checkpoint.`);
      return;
    }
    if (parsed?.type !== 'stageway.audit.checkpoint' || !Number.isSafeInteger(parsed.sealId)) {
      problems.push(`Line ${index + 1} is not a checkpoint.`);
    } else if (!signatureHolds(parsed)) {
      problems.push(`Line ${index + 1} (seal ${parsed.sealId}): the signature does not match.`);
    } else if (trustedKey && parsed.publicKey !== trustedKey) {
      problems.push(
        `Line ${index + 1} (seal ${parsed.sealId}) is signed by another key than the trusted one.`,
      );
    } else {
      checkpoints.push(parsed);
    }
  });

  const ids = [...new Set(checkpoints.map((checkpoint) => checkpoint.sealId))];
  const seals = ids.length
    ? await getDb()
        .select({ id: auditSeals.id, hash: auditSeals.hash })
        .from(auditSeals)
        .where(inArray(auditSeals.id, ids))
    : [];
  const hashOf = new Map(seals.map((seal) => [seal.id, seal.hash]));
  for (const checkpoint of checkpoints) {
    const hash = hashOf.get(checkpoint.sealId);
    if (hash === undefined) {
      problems.push(
        `Seal ${checkpoint.sealId} (events up to ${checkpoint.lastSeq}, sealed ${checkpoint.sealedAt}) is missing: the trail was cut back after this checkpoint.`,
      );
    } else if (hash !== checkpoint.sealHash) {
      problems.push(`Seal ${checkpoint.sealId} differs from its checkpoint: it was rewritten.`);
    }
  }
  const newest = checkpoints.reduce<Checkpoint | null>(
    (best, checkpoint) => (!best || checkpoint.sealId > best.sealId ? checkpoint : best),
    null,
  );
  return {
    checked: checkpoints.length,
    newest: newest && { sealId: newest.sealId, sealedAt: newest.sealedAt },
    problems: [...new Set(problems)],
  };
}
