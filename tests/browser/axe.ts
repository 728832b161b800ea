import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'

/** The WCAG 2.1 A and AA rules, the base RGAA 4.1 builds on. */
const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/**
 * axe-core's serious and critical violations on the page as it stands, one readable line each
 * (rule, impact, the first offending elements), so a failing test says what to fix.
 * `exclude` leaves out regions another statement covers (the canvas).
 */
export async function seriousViolations(page: Page, exclude: string[] = []): Promise<string[]> {
	let builder = new AxeBuilder({ page }).withTags(wcag21aa)
	for (const selector of exclude) builder = builder.exclude(selector)
	const { violations } = await builder.analyze()
	return violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map(
			(violation) =>
				`${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
					.slice(0, 3)
					.map((node) => node.target.join(' '))
					.join(' | ')}`,
		)
}
