import { describe, expect, test } from 'vitest'
import { createLogger, redactUrl } from './logger.ts'

describe('[L1] logs never contain tokens', () => {
	test.each([
		['/ws/abc?token=t1.secret.sig', '/ws/abc?token=[redacted]'],
		['/api/x?a=1&token=t1.s.s&b=2', '/api/x?a=1&token=[redacted]&b=2'],
		['/join/abc#token=t1.secret.sig', '/join/abc'],
		['/ws/abc?%74oken=t1.secret.sig', '/ws/abc?token=[redacted]'],
		['/api/x?TOKEN=t1.s.s', '/api/x?TOKEN=[redacted]'],
		['/api/health', '/api/health'],
	])('redactUrl(%s)', (url, expected) => {
		expect(redactUrl(url)).toBe(expected)
	})

	test('fields named like secrets are masked, URLs redacted, errors flattened', () => {
		const lines: string[] = []
		const logger = createLogger('debug', (line) => lines.push(line))
		logger.info('x', {
			token: 't1.a.b',
			authorization: 'Bearer t1.a.b',
			url: '/ws/a?token=t1.a.b',
			error: new Error('boom'),
		})
		const entry = JSON.parse(lines[0] ?? '{}')
		expect(entry).toMatchObject({
			level: 'info',
			event: 'x',
			token: '[redacted]',
			authorization: '[redacted]',
			url: '/ws/a?token=[redacted]',
			error: { name: 'Error', message: 'boom' },
		})
		expect(lines[0]).not.toContain('t1.a.b')
	})

	test('the level filters', () => {
		const lines: string[] = []
		const logger = createLogger('warn', (line) => lines.push(line))
		logger.info('quiet')
		logger.warn('loud')
		expect(lines.map((line) => JSON.parse(line).event)).toEqual(['loud'])
	})
})
