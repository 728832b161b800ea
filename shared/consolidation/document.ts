import type { Label, Language } from '../concertation/labels.ts'
import type { AnswerCounts } from '../concertation/tally.ts'
import type { Block, DocumentLayout, ListItem, Run } from './layout.ts'
import { labelled, para } from './layout.ts'
import type {
	Consensus,
	ConsolidationModel,
	ExportedContribution,
	ExportedRecommendation,
	Reason,
	Support,
	TrailStep,
} from './model.ts'
import { formatDate, formatMoment, formatNumber, formatPercent, plural, typeset } from './typography.ts'
import { words } from './words.ts'

/** What a published document leaves out, chosen at export time (E14). */
export interface DocumentOptions {
	/** The annex of every contribution. */
	annex: boolean
	/** The welcome zones ("Qui est là ?"). */
	welcome: boolean
	/** The closing weather ("Météo de sortie"). */
	weather: boolean
}

export const defaultDocumentOptions: DocumentOptions = { annex: true, welcome: true, weather: true }

const WELCOME_ZONE = /qui-est-la|accueil|welcome/
const WEATHER_ZONE = /meteo|weather/

/**
 * E5, E14: the territorial document as a format-neutral layout, in the order of a published
 * synthesis: title block, one-page summary, method, recommendations, proposals (with the points of
 * disagreement, the parking lot and the commitments not linked to a recommendation), annex.
 * Every figure comes from the model (anonymity and ranking rules already applied).
 */
export function buildDocument(
	model: ConsolidationModel,
	language: Language,
	options: DocumentOptions = defaultDocumentOptions,
): DocumentLayout {
	const w = words[language]
	const t = (text: string) => typeset(text, language)
	const l = (label: Label) => t(label[language])
	const { context } = model
	const zone = context.timeZone
	const n = (count: number, forms: readonly [string, string]) => plural(count, language, forms[0], forms[1])
	const semicolon = language === 'fr' ? ' ; ' : '; '
	const blocks: Block[] = []
	const heading = (level: 1 | 2 | 3, text: string): Block => ({ kind: 'heading', level, text: t(text) })
	const item = (runs: Run[], level = 0): ListItem => ({
		runs: runs.map((run) => ({ ...run, text: t(run.text) })),
		level,
	})
	const list = (items: ListItem[]): Block => ({ kind: 'list', items })
	const field = (label: string, value: string) => item(labelled(label, value, w.colon))
	const quote = (text: string) => (language === 'fr' ? `« ${text} »` : `“${text}”`)
	const titleOf = (contribution: ExportedContribution) => contribution.title ?? contribution.text
	const fromOf = (contribution: ExportedContribution) => {
		const college = contribution.college ? contribution.college.label[language] : w.facilitator
		return contribution.author ? `${contribution.author}, ${college}` : college
	}

	// 2. One-page summary.
	blocks.push(heading(1, w.synthesis))
	if (model.recommendations.length === 0) blocks.push(para(w.none, { italic: true }))
	else {
		blocks.push(
			list(
				model.recommendations.map((entry) =>
					item([
						{ text: `${entry.rank}. ${titleOf(entry.recommendation)}`, bold: true },
						{ text: ` — ${summaryOf(entry)}.` },
					]),
				),
			),
		)
	}

	// 3. Method.
	blocks.push(heading(1, w.method))
	const method: ListItem[] = []
	if (context.date) method.push(field(w.date, formatDate(context.date, language, zone)))
	if (context.phases.length > 0) method.push(field(w.phases, context.phases.map((phase) => l(phase.label)).join(', ')))
	method.push(field(w.participantsHeader, n(context.participants, w.people)))
	method.push(field(w.contributions, n(context.contributions, w.contributionWords)))
	blocks.push(list(method))
	blocks.push(heading(2, w.participantsTable))
	blocks.push({
		kind: 'table',
		columns: [
			{ header: w.college, align: 'left', grow: 1 },
			{ header: w.side, align: 'left' },
			{ header: w.participantsHeader, align: 'right', grow: 0 },
		],
		rows: context.columns.map((column) => [
			l(column.label),
			column.side ? w.sides[column.side] : w.sides.other,
			formatNumber(column.people, language),
		]),
	})
	const sideValue = (count: number | null) => (count === null ? w.notShown : formatNumber(count, language))
	blocks.push(para(t(w.sideTotals(sideValue(context.sides.associations), sideValue(context.sides.funders)))))
	blocks.push(para(t(context.authorMode === 'named' ? w.namedMode : w.poolRule), { small: true }))

	blocks.push(heading(2, w.vote))
	if (context.vote) {
		const vote = context.vote
		blocks.push(
			list([
				item([{ text: w.voteRules(n(vote.budget, w.pointWords), n(vote.maxPerProposal, w.pointWords)) }]),
				item([{ text: vote.anonymous ? w.anonymous : w.named }]),
				item([{ text: vote.equalWeight ? w.equalWeight : w.byDots }]),
				item([{ text: vote.banOwn ? w.banOwn : w.ownAllowed }]),
				field(w.voters, w.votersLine(n(context.voters, w.voterWords), context.proxyVoters)),
				...(vote.openedAt ? [field(w.opened, formatMoment(vote.openedAt, language, zone))] : []),
			]),
		)
	} else blocks.push(para(w.noVote, { italic: true }))
	blocks.push(heading(2, w.consensusCheck))
	if (context.consensusCheck) {
		blocks.push(para(t(w.consensusQuestion)))
		blocks.push(
			list([
				field(w.respondentsLabel, n(context.respondents, w.respondentWords)),
				...(context.consensusCheck.openedAt
					? [field(w.opened, formatMoment(context.consensusCheck.openedAt, language, zone))]
					: []),
			]),
		)
	} else blocks.push(para(w.noConsensus, { italic: true }))
	blocks.push(para(t(w.flagRule), { small: true }))
	blocks.push(para(t(w.rankRule), { small: true }))

	// 4. Recommendations.
	blocks.push(heading(1, w.recommendations))
	if (model.recommendations.length === 0) blocks.push(para(w.none, { italic: true }))
	for (const entry of model.recommendations) blocks.push(...recommendationBlocks(entry))

	// 5. Proposals, disagreements, parking lot, commitments not linked.
	blocks.push(heading(1, w.proposals))
	if (model.proposals.length === 0) blocks.push(para(w.none, { italic: true }))
	else {
		blocks.push({
			kind: 'table',
			columns: [
				{ header: '#', align: 'right', grow: 0 },
				{ header: w.proposal, align: 'left', grow: 1 },
				{ header: w.points, align: 'right', grow: 0 },
				{ header: w.weighted, align: 'right', grow: 0 },
				{ header: w.supporters, align: 'right', grow: 0 },
				{ header: w.consensus, align: 'left', grow: 0 },
			],
			rows: model.proposals.map((entry) => [
				String(entry.rank),
				t(titleOf(entry.proposal)),
				entry.support ? formatNumber(entry.support.dots, language) : '—',
				entry.support ? formatPercent(entry.support.weightedShare, language) : '—',
				entry.support ? formatNumber(entry.support.supporters, language) : '—',
				entry.support ? consensusWords(entry.support.consensus, true) : w.flags['non-mesure'],
			]),
		})
	}
	blocks.push(heading(2, w.disagreements))
	if (model.disagreements.length === 0) blocks.push(para(w.none, { italic: true }))
	for (const entry of model.disagreements) {
		blocks.push(
			list([
				item([
					{ text: titleOf(entry.proposal), bold: true },
					{ text: ` — ${entry.support ? consensusWords(entry.support.consensus, false) : w.notMeasured}` },
				]),
				...entry.conditions.map((reason) => item([{ text: reasonText(reason) }], 1)),
			]),
		)
	}
	blocks.push(heading(2, w.parking))
	const parking = model.parking
	if (parking.length === 0) blocks.push(para(w.none, { italic: true }))
	else blocks.push(list(parking.map((entry) => item([{ text: `${entry.text} (${fromOf(entry)})` }]))))
	blocks.push(heading(2, w.unlinkedCommitments))
	if (model.unlinkedCommitments.length === 0) blocks.push(para(w.none, { italic: true }))
	else blocks.push(commitmentTable(model.unlinkedCommitments))

	// 6. Annex.
	if (options.annex) {
		blocks.push(heading(1, w.annex))
		const shown = model.annex.filter(
			(entry) =>
				(options.welcome || !WELCOME_ZONE.test(entry.zone.id)) &&
				(options.weather || !WEATHER_ZONE.test(entry.zone.id)),
		)
		const zones = [...new Map(shown.map((entry) => [entry.zone.id, entry.zone])).values()]
		for (const annexZone of zones) {
			const items = shown.filter((entry) => entry.zone.id === annexZone.id)
			const withCell = items.some((entry) => entry.row || entry.column)
			blocks.push(heading(2, l(annexZone.label)))
			blocks.push({
				kind: 'table',
				columns: [
					...(withCell ? [{ header: w.cell, align: 'left' as const, grow: 0.3 }] : []),
					{ header: w.contribution, align: 'left', grow: 1 },
					{ header: w.author, align: 'left', grow: 0.2 },
					{ header: w.points, align: 'right', grow: 0 },
				],
				rows: items.map((entry) => [
					...(withCell
						? [
								[entry.row?.label, entry.column?.label]
									.filter((part): part is Label => Boolean(part))
									.map(l)
									.join(' × '),
							]
						: []),
					t(
						`${w.types[entry.type]}${entry.mergedInto ? ` (${w.merged})` : ''} — ${[entry.title, entry.text].filter(Boolean).join(' — ')}`,
					),
					t(fromOf(entry)),
					entry.dots > 0 ? formatNumber(entry.dots, language) : '',
				]),
			})
		}
	}
	blocks.push(para(`${w.generated} ${formatMoment(model.generatedAt, language, zone)}`, { italic: true, small: true }))

	const subtitle = [
		context.territory,
		context.date ? formatDate(context.date, language, zone) : null,
		context.organisers.length > 0 ? `${w.organisers}${w.colon}${context.organisers.join(', ')}` : null,
	].filter((line): line is string => Boolean(line))
	return {
		language,
		title: context.title,
		subtitle: subtitle.map(t),
		author: context.organisers[0] ?? 'Tablée',
		subject: w.recommendations,
		blocks,
	}

	function answersText(answers: AnswerCounts, all: boolean): string {
		const parts: [number, string][] = [
			[answers.agree, w.agree],
			[answers.unsure, w.unsure],
			[answers.disagree, w.disagree],
		]
		return parts
			.filter(([count], index) => all || count > 0 || index === 0)
			.map(([count, answer]) => `${formatNumber(count, language)} ${answer}`)
			.join(all ? ' · ' : ', ')
	}

	function consensusWords(consensus: Consensus, short: boolean): string {
		if (consensus.flag === 'non-mesure') return short ? w.flags['non-mesure'] : w.notMeasured
		if (short) return w.flags[consensus.flag]
		return `${answersText(consensus.answers, false)} (${w.flags[consensus.flag]})`
	}

	function sidePhrase(support: Support): string | null {
		const { associations, funders } = support.bySide
		if (!associations || !funders || associations.voters === 0 || funders.voters === 0) return null
		const a = associations.supporters / associations.voters >= 0.5
		const f = funders.supporters / funders.voters >= 0.5
		return a && f ? w.bothSides : a ? w.mostlyAssociations : f ? w.mostlyFunders : null
	}

	function summaryOf(entry: ExportedRecommendation): string {
		const support = entry.support
		if (!support) return w.notVoted
		const parts = [
			support.voters > 0
				? [w.supportedBy(n(support.supporters, w.people), support.voters), sidePhrase(support)]
						.filter(Boolean)
						.join(', ')
				: w.notVoted,
			consensusWords(support.consensus, false),
		]
		return parts.join(semicolon)
	}

	function reasonText(reason: Reason): string {
		const from = reason.from ? reason.from.label[language] : w.facilitator
		const how = reason.answer ? w.answeredWith(w[reason.answer]) : w.written
		return `${reason.text} — ${from}, ${how}`
	}

	function commitmentTable(items: ExportedContribution[]): Block {
		return {
			kind: 'table',
			columns: [
				{ header: w.who, align: 'left', grow: 0.4 },
				{ header: w.what, align: 'left', grow: 1 },
				{ header: w.due, align: 'left', grow: 0.2 },
			],
			rows: items.map((entry) => [t(entry.who ?? '—'), t(entry.text), t(entry.due ?? '—')]),
		}
	}

	function trailItems(step: TrailStep, level: number): ListItem[] {
		const contribution = step.contribution
		const place = [contribution.zone.label, contribution.row?.label, contribution.column?.label]
			.filter((part): part is Label => Boolean(part))
			.map((label) => label[language])
			.join(' › ')
		return [
			item(
				[
					{ text: `${w.types[contribution.type]} ${quote(titleOf(contribution))}` },
					{ text: ` — ${fromOf(contribution)} — ${place}` },
				],
				level,
			),
			...step.merged.flatMap((child) => trailItems(child, level + 1)),
			...step.sources.flatMap((child) => trailItems(child, level + 1)),
		]
	}

	function recommendationBlocks(entry: ExportedRecommendation): Block[] {
		const recommendation = entry.recommendation
		const support = entry.support
		const head: Block[] = [heading(2, `${entry.rank}. ${titleOf(recommendation)}`)]
		if (recommendation.title) head.push(para(t(recommendation.text)))
		const details: ListItem[] = []
		if (recommendation.target) details.push(field(w.target, w.targets[recommendation.target]))
		if (recommendation.level) details.push(field(w.level, w.levels[recommendation.level]))
		if (recommendation.effect) details.push(field(w.effect, recommendation.effect))
		// Support and consensus stay on the page of the title (kept together).
		const figures: ListItem[] = details
		if (support && support.voters > 0) {
			figures.push(
				field(
					w.support,
					`${n(support.dots, w.pointWords)} (${w.shareOfDots(formatPercent(support.share, language), formatPercent(support.weightedShare, language))})${semicolon}${w.supportedBy(n(support.supporters, w.people), support.voters)}`,
				),
			)
			for (const side of ['associations', 'funders'] as const) {
				const figure = support.bySide[side]
				if (figure) {
					figures.push(
						item(
							[
								{
									text: `${w.sides[side]}${w.colon}${n(figure.supporters, w.supporterWords)} / ${formatNumber(figure.voters, language)} · ${n(figure.dots, w.pointWords)}`,
								},
							],
							1,
						),
					)
				}
			}
		} else figures.push(field(w.support, w.notVoted))
		const consensus = support?.consensus
		if (consensus && consensus.flag !== 'non-mesure') {
			figures.push(field(w.consensus, `${answersText(consensus.answers, true)} — ${w.flags[consensus.flag]}`))
			for (const side of ['associations', 'funders'] as const) {
				const answers = consensus.bySide[side]
				if (answers) figures.push(item([{ text: `${w.sides[side]}${w.colon}${answersText(answers, true)}` }], 1))
			}
			const from = consensus.from ? recommendationSource(entry.trail, consensus.from) : null
			if (from && entry.trail.sources.length > 1) figures.push(item([{ text: w.fromProposal(from) }], 1))
		} else figures.push(field(w.consensus, w.notMeasured))
		head.push(list(figures))
		const blocks: Block[] = [{ kind: 'keep', blocks: head }]
		if (support && support.voters > 0 && support.byGroup.length > 0) {
			blocks.push({
				kind: 'table',
				columns: [
					{ header: w.column, align: 'left', grow: 1 },
					{ header: w.voters, align: 'right', grow: 0 },
					{ header: w.points, align: 'right', grow: 0 },
				],
				rows: support.byGroup.map((group) => [
					l(group.label),
					formatNumber(group.voters, language),
					formatNumber(group.dots, language),
				]),
			})
		}
		if (entry.conditions.length > 0) {
			blocks.push(
				heading(3, w.conditions),
				list(entry.conditions.map((reason) => item([{ text: reasonText(reason) }]))),
			)
		}
		if (entry.supportive.length > 0) {
			blocks.push(
				heading(3, w.supportive),
				list(entry.supportive.map((reason) => item([{ text: reasonText(reason) }]))),
			)
		}
		if (entry.commitments.length > 0) blocks.push(heading(3, w.commitments), commitmentTable(entry.commitments))
		blocks.push(
			heading(3, w.trail),
			list([...entry.trail.sources, ...entry.trail.merged].flatMap((step) => trailItems(step, 0))),
		)
		return blocks
	}
}

/** The title of a recommendation's source proposal, found in its trail. */
function recommendationSource(trail: TrailStep, id: string): string | null {
	for (const step of trail.sources) {
		if (step.contribution.id === id) return step.contribution.title ?? step.contribution.text
	}
	return null
}
