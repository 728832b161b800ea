import { ApiFailure } from '../../api.ts'
import { explainFailure } from '../../explain-failure.ts'
import { language, t } from '../../i18n/i18n.ts'

/**
 * K16: refusals only the facilitator's console meets (opening a poll, the agenda and zones, writing
 * or voting for someone on paper, the author mode), in each language. They live here, not in the
 * catalogues, because the French catalogue is part of the light view, which must stay under its
 * 60 kB budget (SPEC K13): only the console downloads them.
 */
export const consoleRefusals = {
	fr: {
		pollOpen: 'un scrutin est déjà ouvert : clôturez-le d’abord',
		noProposals: 'aucune proposition à soumettre',
		unknownPhase: 'cette étape n’existe pas dans le programme',
		unknownZone: 'cette zone n’existe pas dans le modèle',
		authorsHidden: 'des contributions écrites sous pseudonyme ne peuvent pas être nommées après coup',
		notOnPaper: 'cette personne ne participe pas sur papier',
		facilitatorDoesNotVote: 'l’animation ne vote pas (elle saisit seulement les votes sur papier)',
	},
	en: {
		pollOpen: 'a poll is already open: close it first',
		noProposals: 'no proposal to put to the poll',
		unknownPhase: 'no such step in the agenda',
		unknownZone: 'no such zone in the template',
		authorsHidden: 'contributions written under a pseudonym cannot be named afterwards',
		notOnPaper: 'this person does not take part on paper',
		facilitatorDoesNotVote: 'the facilitator does not vote (only records paper votes)',
	},
} as const

type ConsoleRefusal = keyof (typeof consoleRefusals)['fr']

const consoleCodes: Record<string, ConsoleRefusal> = {
	vote_open: 'pollOpen',
	consensus_open: 'pollOpen',
	no_proposals: 'noProposals',
	unknown_phase: 'unknownPhase',
	unknown_zone: 'unknownZone',
	authors_hidden: 'authorsHidden',
	not_a_paper_participant: 'notOnPaper',
	paper_participant_not_found: 'notOnPaper',
	participant_not_found: 'notOnPaper',
	facilitator_does_not_vote: 'facilitatorDoesNotVote',
}

/** The console-only refusal key of `code`, or null when the shell's messages explain it. */
export function consoleRefusalKey(code: string): ConsoleRefusal | null {
	return consoleCodes[code] ?? null
}

/** {@link explainFailure}, with the refusals only the console meets. */
export function explainConsoleFailure(failure: unknown): string {
	const key = failure instanceof ApiFailure ? consoleRefusalKey(failure.code) : null
	return key ? t('common.error', { message: consoleRefusals[language()][key] }) : explainFailure(failure)
}
