import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The administration URL the global setup found or started (tests/helpers/postgres-setup.ts). */
export function adminUrl(): string {
	const url = process.env.TABLEE_TEST_PG_ADMIN_URL
	if (!url) throw new Error('TABLEE_TEST_PG_ADMIN_URL is not set: the PostgreSQL global setup did not run')
	return url
}

const created: string[] = []

/** A fresh, empty database for one test; `dropTestDatabases` removes them all. */
export async function createTestDatabase(): Promise<string> {
	const name = `tablee_test_${randomBytes(6).toString('hex')}`
	const admin = new pg.Client({ connectionString: adminUrl() })
	await admin.connect()
	try {
		await admin.query(`CREATE DATABASE ${name}`)
	} finally {
		await admin.end()
	}
	created.push(name)
	const url = new URL(adminUrl())
	url.pathname = `/${name}`
	return url.toString()
}

/** Drops every database this worker created (FORCE: a leftover connection does not block it). */
export async function dropTestDatabases(): Promise<void> {
	if (created.length === 0) return
	const admin = new pg.Client({ connectionString: adminUrl() })
	await admin.connect()
	try {
		for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
	} finally {
		await admin.end()
	}
}
