// `npm run migrate -- --from <DATA_DIR> --to <DATABASE_URL>`: moves an embedded installation into
// PostgreSQL (server/store/move-to-pg.ts). Idempotent; the files are only read.
import { parseArgs } from 'node:util'
import { describeDatabase } from '../server/store/pg-store.ts'
import { moveToPostgres } from '../server/store/move-to-pg.ts'

const usage = 'usage: npm run migrate -- --from <DATA_DIR> --to <DATABASE_URL>'
let options: { from?: string | undefined; to?: string | undefined }
try {
	options = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } }).values
} catch (error) {
	console.error(`${(error as Error).message}\n${usage}`)
	process.exit(2)
}
if (!options.from || !options.to) {
	console.error(usage)
	process.exit(2)
}
try {
	const report = await moveToPostgres(options.from, options.to)
	const say = (text: string) => process.stdout.write(`${text}\n`)
	const line = (kind: string, counts: { copied: number; present: number }) =>
		say(`${kind}: ${counts.copied} copied, ${counts.present} already there`)
	say(`Moved ${options.from} into ${describeDatabase(options.to)} (the files are left as they were)`)
	line('workshops', report.workshops)
	line('syntheses', report.syntheses)
	line('board files', report.assets)
	if (report.deletions > 0) {
		say(`interrupted deletions: ${report.deletions}, finished by the first server on the database before it serves`)
	}
	say(`signing secret: ${report.secret === 'stored' ? 'in the database' : 'none in the data directory'}`)
	for (const problem of report.problems) console.error(`not moved: ${problem}`)
	process.exit(report.problems.length > 0 ? 1 : 0)
} catch (error) {
	console.error(`migrate failed, nothing was changed in the files: ${(error as Error).message}`)
	process.exit(1)
}
