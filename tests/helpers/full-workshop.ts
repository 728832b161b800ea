import type { ApiCall, CreatedWorkshop } from './test-server.ts'

/** The default template's agenda: 5 proposals, 6 vote. */
const PROPOSALS = 5
const VOTE = 6

export interface RunWorkshop {
	workshop: CreatedWorkshop
	people: { name: string; participantId: string; token: string; college: string }[]
	paper: { name: string; participantId: string }
	proposals: string[]
	recommendation: string
}

/** Distinctive names: a search of logs or files for them cannot match anything else. */
export const PEOPLE = [
	{ name: 'Aurélie Zwingfeld', college: 'assos-benevoles' },
	{ name: 'Bastien Quorvath', college: 'etat' },
	{ name: 'Capucine Ylmarden', college: 'assos-salaries' },
	{ name: 'Désiré Wexholm', college: 'protection-sociale' },
] as const
export const PAPER_NAME = 'Edwige Papierkorb'
export const FACILITATOR_NAME = 'Fulbert Animakis'

/**
 * A whole named workshop through the HTTP API, as people run one: named participants join,
 * write proposals (with idempotency keys, as the outbox sends them), a paper participant is
 * added, a named vote is held and revealed, a recommendation groups the top proposals, and every
 * export is downloaded.
 */
export async function runWorkshop(api: ApiCall, extra: Record<string, unknown> = {}): Promise<RunWorkshop> {
	const created = await api('/api/workshops', {
		body: { title: 'Concertation Creuse', authorMode: 'named', facilitatorName: FACILITATOR_NAME, ...extra },
	})
	if (created.status !== 201) throw new Error(`create failed: ${created.status}`)
	const workshop = (await created.json()) as CreatedWorkshop
	const facilitator = workshop.tokens.facilitator
	const call = async (pathname: string, token: string, body?: unknown, method?: string, key?: string) => {
		const response = await api(`/api/workshops/${workshop.id}${pathname}`, {
			token,
			body,
			method,
			headers: key ? { 'idempotency-key': key } : {},
		})
		if (response.status >= 400) throw new Error(`${pathname}: ${response.status} ${await response.text()}`)
		return (await response.json()) as Record<string, unknown>
	}
	const people = []
	for (const person of PEOPLE) {
		const joined = (await call('/join', workshop.tokens.participant, person)) as {
			participantId: string
			token: string
		}
		people.push({ ...person, ...joined })
	}
	await call('/phase', facilitator, { index: PROPOSALS })
	const proposals: string[] = []
	for (const [index, person] of people.entries()) {
		const made = await call(
			'/contributions',
			person.token,
			{ type: 'proposition', zone: 'propositions', column: 'financeurs', text: `Proposition numéro ${index + 1}` },
			'POST',
			`key-${index}-${workshop.id.slice(0, 8)}`,
		)
		proposals.push((made.contribution as { id: string }).id)
	}
	const paper = (await call('/participants/paper', facilitator, {
		name: PAPER_NAME,
		college: 'protection-sociale',
	})) as { participantId: string }
	await call('/vote/open', facilitator, {
		budget: 3,
		maxPerProposal: 2,
		banOwn: false,
		anonymous: false,
		minutes: 10,
	})
	await call('/phase', facilitator, { index: VOTE })
	for (const [index, person] of people.entries()) {
		await call('/vote/ballot', person.token, { allocation: { [proposals[(index + 1) % proposals.length] ?? '']: 2 } })
	}
	await call('/vote/ballot', facilitator, { allocation: { [proposals[0] ?? '']: 1 }, onBehalfOf: paper.participantId })
	await call('/vote/close', facilitator, {})
	await call('/vote/reveal', facilitator, {})
	await call('/phase', facilitator, { index: 7 + 1 })
	const recommendation = (await call('/contributions', facilitator, {
		type: 'recommandation',
		zone: 'recommandations',
		text: 'Recommandation commune',
		sources: proposals.slice(0, 2),
	})) as { contribution: { id: string } }
	for (const format of ['json', 'md', 'html', 'csv', 'docx', 'pdf']) {
		const response = await api(`/api/workshops/${workshop.id}/export?format=${format}`, { token: facilitator })
		if (response.status !== 200) throw new Error(`export ${format}: ${response.status}`)
		await response.arrayBuffer()
	}
	return {
		workshop,
		people,
		paper: { name: PAPER_NAME, participantId: paper.participantId },
		proposals,
		recommendation: recommendation.contribution.id,
	}
}
