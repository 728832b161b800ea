import { describe, expect, test } from 'vitest'
import { type TrailMessageKey, tt } from './trail-messages.ts'

/**
 * [M1][M3] The page's French agrees in number as the documents do: a count picks its own noun
 * ("1 territoire sur 2", like the synthesis page), and a plural adjective agrees throughout.
 */
describe('trail words in French', () => {
	const cases: [TrailMessageKey, Record<string, number>, string][] = [
		['retainedIn', { count: 1, of: 2 }, 'Retenue dans 1 territoire sur 2'],
		['retainedIn', { count: 2, of: 3 }, 'Retenue dans 2 territoires sur 3'],
		['retainedIn', { count: 0, of: 1 }, 'Retenue dans 0 territoire sur 1'],
		['count.kept', { count: 1 }, '1 gardée telle quelle'],
		['count.kept', { count: 12 }, '12 gardées telles quelles'],
		['recommendationRank', { rank: 1, of: 1 }, 'Classée 1re sur 1 recommandation.'],
		['proposalRank', { rank: 2, of: 5 }, 'Au vote : 2e sur 5 propositions.'],
	]
	test.each(cases)('[M1] %s with %o reads "%s"', (key, params, expected) => {
		expect(tt(key, params)).toBe(expected)
	})
})
