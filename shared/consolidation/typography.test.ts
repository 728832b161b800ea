import { expect, test } from 'vitest'
import { isTimeZone } from './typography.ts'

test.each([
	['Europe/Paris', true],
	['America/Cayenne', true],
	['Indian/Reunion', true],
	// Names outside ICU's list of canonical zones, which the formatter still accepts.
	['UTC', true],
	['Asia/Kolkata', true],
	['Europe/Kyiv', true],
	['Mars/Olympus', false],
	['', false],
])('%j is a time zone a workshop may use: %s', (zone, expected) => {
	expect(isTimeZone(zone)).toBe(expected)
})
