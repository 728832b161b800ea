import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { assetNamePattern } from '../assets/asset-files.ts'
import { isId } from '../../shared/workshop/ids.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { DeletionFiles } from './deletion-files.ts'
import { LowdbStore } from './lowdb-store.ts'
import { openPgStorage } from './pg-store.ts'
import { StorageRefusedError } from './storage.ts'
import { SynthesisFiles } from './synthesis-files.ts'
import { checksumOf, type ServerOnlyState, type WorkshopRecord } from './workshop-store.ts'

/** What one move did, per kind: copied now, already there (equal), and refused with why. */
export interface MoveReport {
	workshops: { copied: number; present: number }
	syntheses: { copied: number; present: number }
	assets: { copied: number; present: number }
	/** Deletions interrupted on the files, handed to the database's journal to be finished there (SPEC D1). */
	deletions: number
	/** `stored`: the files' signing secret is the database's (copied now or before). */
	secret: 'stored' | 'none'
	/** Items left alone, with why (a damaged file, or different data already in the database). */
	problems: string[]
}

/**
 * The checksum of a record's content, whatever order its maps were written in: the database
 * returns ballots, answers and intents from their tables (S13), and a record read from a file may
 * lack keys newer versions default (its stored checksum covers the text as it was written).
 */
export function contentChecksum(record: WorkshopRecord): string {
	return checksumOf(record.board, record.control, canonical(record.serverOnly) as ServerOnlyState)
}

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical)
	if (typeof value !== 'object' || value === null) return value
	const sorted: Record<string, unknown> = {}
	for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Record<string, unknown>)[key])
	return sorted
}

async function list(dir: string): Promise<string[]> {
	try {
		return (await readdir(dir)).sort()
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
		throw error
	}
}

/**
 * Copies an embedded installation (`from`, a DATA_DIR) into the PostgreSQL database at `to`.
 * Files are only read, under the data-directory lock (no server may change them meanwhile); the
 * database is held with the installation lock (no server may use it meanwhile). Each workshop is
 * loaded with its checksum checked and its update logs folded, saved, then read back and compared
 * by the checksum of its content ({@link contentChecksum}). Running it again copies nothing twice: what is already there and equal is counted
 * as present, what is there and differs is reported and left alone.
 */
export async function moveToPostgres(from: string, to: string): Promise<MoveReport> {
	const unlock = await lockDataDir(from)
	try {
		const db = await openPgStorage(to, { exclusive: true, secret: null })
		try {
			const report: MoveReport = {
				workshops: { copied: 0, present: 0 },
				syntheses: { copied: 0, present: 0 },
				assets: { copied: 0, present: 0 },
				deletions: 0,
				secret: 'none',
				problems: [],
			}
			// A deletion the files' server could not finish goes first: the first server on the
			// database finishes it (record, files, synthesis links) before it serves anything.
			for (const id of await new DeletionFiles(from).pending()) {
				await db.deletions.begin(id, new Date().toISOString())
				report.deletions++
			}
			const files = new LowdbStore(from)
			for (const file of await list(path.join(from, 'workshops'))) {
				const id = file.endsWith('.json') ? file.slice(0, -5) : null
				if (id === null || !isId(id)) continue
				const loaded = await files.load(id)
				if (!loaded.ok) {
					report.problems.push(`workshop ${id}: ${loaded.error.message} (left alone)`)
					continue
				}
				if (loaded.value === null) continue
				const record = loaded.value
				const existing = await db.workshops.load(id)
				if (!existing.ok) throw new Error(`workshop ${id} in the database: ${existing.error.message}`)
				if (existing.value === null) {
					const saved = await db.workshops.save(record, null).catch((error: unknown) => {
						if (error instanceof StorageRefusedError) return null
						throw error
					})
					if (saved === null) {
						report.problems.push(
							`workshop ${id}: its ballots do not fit its vote, PostgreSQL refused them (left alone)`,
						)
						continue
					}
					const back = await db.workshops.load(id)
					if (!saved.ok || !back.ok || back.value === null || contentChecksum(back.value) !== contentChecksum(record)) {
						throw new Error(`workshop ${id}: the copy read back from the database does not match its checksum`)
					}
					report.workshops.copied++
				} else if (contentChecksum(existing.value) === contentChecksum(record)) {
					report.workshops.present++
				} else {
					report.problems.push(`workshop ${id}: the database holds a different version (left alone)`)
				}
			}
			const syntheses = new SynthesisFiles(from)
			for (const file of await list(path.join(from, 'syntheses'))) {
				if (!file.endsWith('.json')) continue
				const id = file.slice(0, -5)
				let record: Awaited<ReturnType<SynthesisFiles['load']>>
				try {
					record = await syntheses.load(id)
				} catch (error) {
					report.problems.push(`synthesis ${id}: ${(error as Error).message} (left alone)`)
					continue
				}
				if (record === null) continue
				const existing = await db.syntheses.load(id)
				if (existing === null) {
					await db.syntheses.save(record)
					report.syntheses.copied++
				} else if (JSON.stringify(existing) === JSON.stringify(record)) {
					report.syntheses.present++
				} else {
					report.problems.push(`synthesis ${id}: the database holds a different version (left alone)`)
				}
			}
			for (const workshop of await list(path.join(from, 'assets'))) {
				if (!isId(workshop)) continue
				for (const name of await list(path.join(from, 'assets', workshop))) {
					if (!assetNamePattern.test(name)) continue
					const bytes = await readFile(path.join(from, 'assets', workshop, name))
					const before = await db.assets.read(workshop, name)
					if (!(await db.assets.adopt(workshop, name, bytes))) {
						report.problems.push(`file ${workshop}/${name}: the database holds other bytes (left alone)`)
					} else if (before === null) report.assets.copied++
					else report.assets.present++
				}
			}
			const secret = await readFile(path.join(from, 'secret.key'), 'utf8').then(
				(text) => text.trim(),
				() => null,
			)
			if (secret !== null) {
				const stored = await db.storedSecret.load(secret)
				if (stored !== secret) {
					report.problems.push(
						'secret.key: the database holds another signing secret; links made by the files no longer open',
					)
				} else report.secret = 'stored'
			}
			return report
		} finally {
			await db.close()
		}
	} finally {
		await unlock()
	}
}
