// Prints vitest's JSON report as one plain line: "tests: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2] ?? 'test-artifacts/vitest.json', 'utf8'))
const skipped = report.numPendingTests + report.numTodoTests
process.stdout.write(
	`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped` + '\n',
)
