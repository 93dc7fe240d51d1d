import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../catalog/db';
import type { DriveKey } from './crypto';
import { packName } from './layout';
import { insertStagedPack, type CopyId, type PackRow } from './store';
import { writePack, type PackItem } from './writer';

/** Default target of a pack's content: tens of MB, so a plan of 100 GB is a few thousand files on Drive. */
export const PACK_TARGET_BYTES = 32 * 1024 * 1024;

/**
 * Collects contents into packs of about `target` bytes; a content of half the target or more goes alone
 * into its own pack (streamed from disk, so its size costs no memory). Each pack is named before it is
 * written, so the backup's pack map can name it at once. `flush` writes the pack to the staging folder and
 * records it (status "staged", with its contents) before anyone uploads it.
 */
export class Packer {
  private items: PackItem[] = [];
  private bytes = 0;
  private id = newPackId();
  /** Contents taken into the current pack, by SHA-256. */
  private readonly pending = new Set<string>();
  /** The upload in flight: the next pack is written while it goes up (one at a time, memory flat). */
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly o: {
      db: Db;
      copy: CopyId;
      stagingDir: string;
      key: DriveKey | null;
      now: () => number;
      /** Content bytes per pack (default PACK_TARGET_BYTES; a remote may ask for another: packTargetBytes). */
      target?: number;
      /** Called with each pack written and recorded; uploads it. */
      onPack: (pack: PackRow, file: string) => Promise<void>;
    },
  ) {}

  get target(): number {
    return this.o.target ?? PACK_TARGET_BYTES;
  }

  /** Whether a content is already waiting in the current pack. */
  has(sha: string): boolean {
    return this.pending.has(sha);
  }

  /** The name of the pack a pending content will be in. */
  nameOf(sha: string): string | undefined {
    return this.pending.has(sha) ? packName(this.id, this.o.key !== null) : undefined;
  }

  /** Adds a content and returns the name of the pack it will be in. */
  async add(item: PackItem): Promise<string> {
    if (item.size >= this.target / 2) {
      const id = newPackId();
      await this.write(id, [item]);
      return packName(id, this.o.key !== null);
    }
    if (this.bytes + item.size > this.target && this.items.length > 0) await this.flush();
    this.items.push(item);
    this.pending.add(item.sha256);
    this.bytes += item.size;
    return packName(this.id, this.o.key !== null);
  }

  /** Writes, records and uploads the current pack, if it holds anything. */
  async flush(): Promise<void> {
    if (this.items.length === 0) return;
    const items = this.items;
    const id = this.id;
    this.items = [];
    this.bytes = 0;
    this.id = newPackId();
    await this.write(id, items);
    this.pending.clear();
  }

  private async write(id: string, items: PackItem[]): Promise<void> {
    const name = packName(id, this.o.key !== null);
    fs.mkdirSync(this.o.stagingDir, { recursive: true });
    const file = path.join(this.o.stagingDir, name);
    const w = await writePack(items, file, this.o.key);
    for (const i of items) if (i.temp) fs.rmSync(i.abs, { force: true });
    const pack = insertStagedPack(
      this.o.db,
      {
        ...this.o.copy,
        name,
        size: w.size,
        md5: w.md5,
        contentBytes: items.reduce((n, i) => n + i.size, 0),
        members: items.length,
        encrypted: this.o.key !== null,
      },
      items.map((i) => ({ sha256: i.sha256, size: i.size })),
      this.o.now(),
    );
    if (this.inflight) await this.drain();
    const up = this.o.onPack(pack, file);
    up.catch(() => undefined); // awaited by the next write or by drain()
    this.inflight = up;
  }

  /** Waits for the upload in flight (its failure is thrown here). */
  async drain(): Promise<void> {
    const up = this.inflight;
    this.inflight = null;
    if (up) await up;
  }

  /** Writes the last pack and waits until every pack is on Drive. */
  async finish(): Promise<void> {
    await this.flush();
    await this.drain();
  }
}

/** A pack id: random, so two machines or two runs never pick the same name. */
export function newPackId(): string {
  return crypto.randomBytes(12).toString('hex');
}
