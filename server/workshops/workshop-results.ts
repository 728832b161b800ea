import type * as Y from 'yjs'
import { type PollRecords, publishedResults, revealedTally } from '../../shared/concertation/published-results.ts'
import type { Tally } from '../../shared/concertation/tally.ts'
import {
	readConsensus,
	readContributions,
	readMeta,
	readParticipants,
	readVote,
	writeResults,
} from '../../shared/workshop/control-document.ts'
import type { ServerOnlyState } from '../store/workshop-store.ts'

/** The poll records of a workshop: its control document's polls and the server-only ballots. */
export function pollRecordsOf(doc: Y.Doc, serverOnly: Readonly<ServerOnlyState>): PollRecords {
	return {
		vote: readVote(doc),
		consensus: readConsensus(doc),
		participants: readParticipants(doc),
		colleges: readMeta(doc)?.colleges ?? [],
		ballots: serverOnly.ballots,
		answers: serverOnly.answers,
		importedTally: serverOnly.importedTally,
		// Distinct supporters of each recommendation's proposals, for the documents.
		bundles: Object.fromEntries(
			[...readContributions(doc).values()]
				.filter((contribution) => contribution.type === 'recommandation' && contribution.sources.length > 0)
				.map((recommendation) => [recommendation.id, recommendation.sources]),
		),
	}
}

/** The tally of what is revealed (`all`: everything, for the facilitator's preview and exports). */
export function currentTally(doc: Y.Doc, serverOnly: Readonly<ServerOnlyState>, all: boolean): Tally {
	return revealedTally(pollRecordsOf(doc, serverOnly), all)
}

/** Writes the published results into the control document (inside a commit). */
export function publishResults(doc: Y.Doc, serverOnly: Readonly<ServerOnlyState>): void {
	writeResults(doc, publishedResults(pollRecordsOf(doc, serverOnly)))
}
