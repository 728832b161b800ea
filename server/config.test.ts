import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { readConfig } from './config.ts'

describe('configuration', () => {
	test('documented defaults', () => {
		const config = readConfig({})
		expect(config.ok && config.value).toMatchObject({
			port: 3000,
			host: '0.0.0.0',
			dataDir: path.resolve('data'),
			store: 'lowdb',
			publicUrl: 'http://localhost:3000',
			secret: null,
			organizerKey: null,
			maxFrameBytes: 2 * 1024 * 1024,
			maxBodyBytes: 64 * 1024,
			saveDebounceMs: 1000,
			saveMaxWaitMs: 5000,
			heartbeatMs: 30_000,
			logLevel: 'info',
		})
	})

	test('reads every variable; an empty one means its default', () => {
		const config = readConfig({
			PORT: '8080',
			HOST: '127.0.0.1',
			DATA_DIR: '/var/lib/tablee',
			STORE: 'memory',
			PUBLIC_URL: 'https://tablee.example.org/',
			TABLEE_SECRET: 's'.repeat(40),
			ORGANIZER_KEY: 'cle',
			MAX_FRAME_BYTES: '1048576',
			LOG_LEVEL: 'warn',
			SAVE_DEBOUNCE_MS: '',
		})
		expect(config.ok && config.value).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			dataDir: '/var/lib/tablee',
			store: 'memory',
			publicUrl: 'https://tablee.example.org',
			secret: 's'.repeat(40),
			organizerKey: 'cle',
			maxFrameBytes: 1048576,
			logLevel: 'warn',
			saveDebounceMs: 1000,
		})
	})

	test.each([
		['PORT', 'eighty'],
		['PORT', '70000'],
		['PUBLIC_URL', 'tablee.example.org'],
		['TABLEE_SECRET', 'short'],
		['LOG_LEVEL', 'verbose'],
		['MAX_FRAME_BYTES', '10'],
	])('%s=%s is refused with a message naming it', (name, value) => {
		const config = readConfig({ [name]: value })
		expect(config.ok).toBe(false)
		if (!config.ok) expect(config.error).toContain(name)
	})

	test('[D2][D6] personal data settings: retention defaults to 365 days; controller and contact as given', () => {
		expect(readConfig({}).ok && readConfig({})).toMatchObject({
			value: { retentionDays: 365, organisationName: null, privacyContact: null },
		})
		const config = readConfig({
			RETENTION_DAYS: '90',
			ORGANISATION_NAME: ' Mouvement associatif ',
			PRIVACY_CONTACT: 'dpo@example.org',
		})
		expect(config.ok && config.value).toMatchObject({
			retentionDays: 90,
			organisationName: 'Mouvement associatif',
			privacyContact: 'dpo@example.org',
		})
		for (const bad of ['0', '-1', 'un an', '100000']) {
			const refused = readConfig({ RETENTION_DAYS: bad })
			expect(refused.ok || refused.error).toContain('RETENTION_DAYS')
		}
	})
})
