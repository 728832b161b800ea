import type { Result } from '../result.ts'
import { err, ok } from '../result.ts'
import type { Consensus, ConsolidationModel, ExportedRecommendation, RankedProposal, Reason, Support } from './model.ts'
import { CONSOLIDATION_FORMAT, CONSOLIDATION_VERSION, DEFAULT_TIME_ZONE } from './model.ts'

/**
 * Reads a consolidation export back (a synthesis's upload, a stored synthesis): version 2 as it
 * is, version 1 migrated step by step. What version 1 could not know stays unknown rather than
 * guessed: its consensus flags measured on the vote become "non mesuré" (version 2 never mixes
 * vote shares with consensus answers), its reasons become conditions without an answer, and its
 * per-side figures are absent.
 */
export function readConsolidation(data: unknown): Result<ConsolidationModel, string> {
	if (typeof data !== 'object' || data === null) return err('not a consolidation export')
	const frame = data as { format?: unknown; version?: unknown }
	if (frame.format !== CONSOLIDATION_FORMAT) return err(`format must be "${CONSOLIDATION_FORMAT}"`)
	if (frame.version === CONSOLIDATION_VERSION) return ok(data as ConsolidationModel)
	if (frame.version === 1) return ok(fromVersion1(data as VersionOne))
	return err(`version ${String(frame.version)} is not one this server reads (1 or ${CONSOLIDATION_VERSION})`)
}

type SupportV1 = Omit<Support, 'consensus' | 'voters' | 'share' | 'bySide'> & {
	consensus: { flag: string; score: number | null; basis: 'consensus-check' | 'vote' } | null
}
interface VersionOne {
	generatedAt: string
	context: Omit<
		ConsolidationModel['context'],
		| 'timeZone'
		| 'organisers'
		| 'columns'
		| 'sides'
		| 'respondents'
		| 'phases'
		| 'vote'
		| 'consensusCheck'
		| 'voteColumns'
		| 'respondentColumns'
	>
	findings: ConsolidationModel['findings']
	recommendations: (Omit<ExportedRecommendation, 'support' | 'conditions' | 'supportive' | 'commitments'> & {
		support: SupportV1 | null
	})[]
	proposals: (Omit<RankedProposal, 'support' | 'rank' | 'conditions' | 'supportive'> & { support: SupportV1 | null })[]
	commitments: ConsolidationModel['commitments']
	parking: ConsolidationModel['parking']
	annex: ConsolidationModel['annex']
}

function fromVersion1(old: VersionOne): ConsolidationModel {
	const totalDots = (old.proposals ?? []).reduce((sum, item) => sum + (item.support?.dots ?? 0), 0)
	const support = (value: SupportV1 | null): Support | null => {
		if (!value) return null
		const measured = value.consensus?.basis === 'consensus-check'
		const consensus: Consensus = measured
			? {
					flag: value.consensus?.flag as Consensus['flag'],
					score: value.consensus?.score ?? null,
					from: null,
					answers: value.answers,
					bySide: { associations: null, funders: null },
				}
			: {
					flag: 'non-mesure',
					score: null,
					from: null,
					answers: { agree: 0, disagree: 0, unsure: 0 },
					bySide: { associations: null, funders: null },
				}
		return {
			...value,
			voters: old.context.voters ?? 0,
			share: totalDots === 0 ? 0 : value.dots / totalDots,
			bySide: { associations: null, funders: null },
			consensus,
			answers: consensus.answers,
		}
	}
	const asConditions = (texts: readonly string[]): Reason[] =>
		texts.map((text) => ({ text, answer: null, from: null, proposal: null }))
	const proposals: RankedProposal[] = (old.proposals ?? []).map((item, index) => ({
		...item,
		rank: index + 1,
		support: support(item.support),
		conditions: asConditions(item.reasons ?? []),
		supportive: [],
	}))
	return {
		format: CONSOLIDATION_FORMAT,
		version: CONSOLIDATION_VERSION,
		generatedAt: old.generatedAt,
		context: {
			...old.context,
			timeZone: DEFAULT_TIME_ZONE,
			organisers: [],
			columns: [],
			sides: { associations: null, funders: null },
			respondents: 0,
			phases: [],
			vote: null,
			consensusCheck: null,
			voteColumns: [],
			respondentColumns: [],
		},
		findings: old.findings ?? [],
		recommendations: (old.recommendations ?? []).map((item) => ({
			...item,
			support: support(item.support),
			conditions: asConditions(item.cautions ?? []),
			supportive: [],
			commitments: [],
		})),
		proposals,
		commitments: old.commitments ?? [],
		unlinkedCommitments: old.commitments ?? [],
		disagreements: proposals.filter((item) => (item.support?.consensus.answers.disagree ?? 0) > 0),
		parking: old.parking ?? [],
		annex: old.annex ?? [],
	}
}
