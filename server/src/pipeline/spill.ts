// Findings kept on disk while they wait: with the compiled code read, `check` cannot join a
// package's findings until go's package list names its export archive, and go prints that list
// only once every package is compiled. Held in memory, the waiting findings (and the compiler's
// sections their explanations are read from) grew with the module: x/tools v0.30.0's 324
// packages peaked at 842–845 MB. Spilled, memory holds an offset and a length per package. Only past
// SPILL_ABOVE_BYTES: a run that stays small keeps them in memory and pays nothing.
//
// The file is created in a new private temporary directory (mkdtemp: mode 0700) and removed by
// close(). A write that fails (disk full, no temporary directory) keeps that package's findings
// in memory: the run loses nothing, it only uses more memory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../engine/types';
import { decodeFindings, encodeFindings } from './resultsCache';

/** Where a package's findings wait: in the spill file, or in memory when it could not be written. */
export type SpilledFindings = { offset: number; length: number } | { findings: Finding[] };

/**
 * Below this resident size findings wait in memory: writing them makes their explanation steps
 * and JSON, which cost a warm `check --no-tests net/http` (peak 164 MB) about 250 ms, 25%. At
 * 160 MB x/tools v0.30.0 `--all --json ./...` peaks at 374 MB (347 MB spilling everything, 354 MB
 * from 128 MB, which slows net/http again; 392 MB from 192 MB).
 */
export const SPILL_ABOVE_BYTES = 160 * 1024 * 1024;

export class FindingsSpill {
  private dir: string | null = null;
  private fd: number | null = null;
  private size = 0;

  /** @param aboveBytes spill only while the process holds more than this (0: always) */
  constructor(private readonly aboveBytes = SPILL_ABOVE_BYTES) {}

  /** Writes findings to the spill file; returns where they are (in memory below the bound, or when the write failed). */
  put(findings: Finding[]): SpilledFindings {
    if (findings.length === 0 || process.memoryUsage.rss() < this.aboveBytes) return { findings };
    try {
      if (this.fd === null) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-spill-'));
        this.fd = fs.openSync(path.join(this.dir, 'findings.json'), 'w+', 0o600);
      }
      const bytes = Buffer.from(encodeFindings(findings), 'utf8');
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
      const slot = { offset: this.size, length: bytes.length };
      this.size += bytes.length;
      return slot;
    } catch {
      return { findings };
    }
  }

  /** Reads findings back. */
  take(slot: SpilledFindings): Finding[] {
    if ('findings' in slot) return slot.findings;
    if (this.fd === null) throw new Error('heapscope: the spill file is closed');
    const bytes = Buffer.alloc(slot.length);
    let read = 0;
    while (read < slot.length) {
      const n = fs.readSync(this.fd, bytes, read, slot.length - read, slot.offset + read);
      if (n === 0) throw new Error('heapscope: the spill file is shorter than what was written to it');
      read += n;
    }
    return decodeFindings(bytes.toString('utf8'));
  }

  /** Closes and removes the spill file. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (this.dir !== null) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
