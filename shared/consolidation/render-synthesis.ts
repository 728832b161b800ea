import type { Language } from '../concertation/labels.ts'
import type { Block, DocumentLayout, ListItem, Run } from './layout.ts'
import { labelled, para } from './layout.ts'
import type { ExportedContribution, TrailStep } from './model.ts'
import { renderLayoutHtml } from './render-html.ts'
import { renderLayoutMarkdown } from './render-markdown.ts'
import { csvCell } from './render-text.ts'
import type { SynthesisGroup, SynthesisModel } from './synthesis.ts'
import { formatDate, formatNumber, formatPercent, plural, typeset } from './typography.ts'
import { words } from './words.ts'

const text = {
	fr: {
		subject: 'Synthèse nationale',
		territoriesLine: (n: string) => `${n} — recommandations de la plus largement retenue à la moins retenue`,
		territoryWords: ['territoire', 'territoires'] as [string, string],
		retained: (n: number, m: number) => `Retenue dans ${plural(n, 'fr', 'territoire', 'territoires')} sur ${String(m)}`,
		meanSupport: 'Soutien moyen des territoires',
		supportLine: (share: string, measured: string) =>
			`${share} des votant·es (moyenne de ${measured}, chacun compte autant)`,
		notMeasuredSupport: 'non mesuré (aucun vote)',
		consensusLine: 'Consensus par territoire',
		consensusIn: (flag: string, n: string) => `${flag} dans ${n}`,
		acrossSides: 'Entre les côtés',
		agreement: {
			both: 'soutenue chez les associations comme chez les financeurs',
			associations: 'portée surtout par les associations',
			funders: 'portée surtout par les financeurs',
			unknown: 'un côté n’est pas publié partout : pas de comparaison',
		},
		nationalText: 'Texte national',
		noNationalText: 'Pas encore de texte national : les textes des territoires suivent.',
		byTerritory: 'Dans chaque territoire',
		territory: 'Territoire',
		recommendation: 'Recommandation',
		supporters: 'Soutiens',
		territoryTexts: 'Textes des territoires',
		nationals: 'Recommandations nationales',
		singles: 'Recommandations retenues dans un seul territoire',
		singlesHelp: 'Elles ne sont pas regroupées avec celles d’autres territoires ; elles restent dans la synthèse.',
		territoriesTable: 'Territoires',
		templates: 'Modèles utilisés',
		workshop: 'Atelier',
		participantsByCollege: 'Participant·es par collège, territoire par territoire',
		grouping: 'Regroupements',
		groupingLine: (groups: string, suggested: number) =>
			`${groups} confirmés par l’auteur·rice de la synthèse (qui détient son lien de modification), dont ${String(suggested)} suggérés par Tablée (même thème ou mots communs) puis confirmés. Aucun regroupement n’est fait sans confirmation ; une recommandation appartient à un seul groupe.`,
		groupWords: ['regroupement', 'regroupements'] as [string, string],
		measure: 'Mesure du soutien et du consensus',
		measureRule:
			'« Retenue dans N territoires sur M » compte les territoires où la recommandation figure dans le document territorial. Le soutien est mesuré dans chaque territoire (part des votant·es ayant donné au moins un point à la recommandation, par côté aussi), puis combiné en faisant la moyenne des territoires qui la retiennent : chaque territoire compte autant, quel que soit le nombre de ses participant·es. Les points bruts ne sont jamais additionnés pour classer. Le consensus reste celui de chaque territoire (drapeau du test de consensus), compté territoire par territoire. Entre les côtés : « chez les associations comme chez les financeurs » quand le soutien moyen du côté le plus faible atteint au moins les deux tiers de celui du plus fort, sinon « portée surtout par » le plus fort.',
		ranking:
			'Classement : les regroupements confirmés, puis par nombre de territoires qui retiennent la recommandation, puis par soutien moyen.',
		none: 'Aucune.',
		notDated: 'date non indiquée',
		deletedNotice: (territory: string, date: string) =>
			`${territory} : l’atelier source a été supprimé de ce serveur le ${date}. Cette synthèse garde sa propre copie de ses résultats consolidés (sans nom d’auteur·rice) ; ils ne peuvent plus être comparés à l’atelier.`,
		deletedMark: 'atelier supprimé',
		provenance: 'Provenance des territoires',
		namedTerritories: (list: string) =>
			`Contributions nominatives (${list}) : chaque collège de ce territoire y est montré tel quel, quel que soit son nombre de personnes.`,
		source: {
			here: 'atelier de ce serveur',
			deleted: (date: string) =>
				`atelier de ce serveur, supprimé le ${date} : la synthèse garde sa copie des résultats consolidés`,
			elsewhere: (server: string) =>
				`export d’un atelier d’un autre serveur (${server}) : s’il y a été supprimé depuis, ce serveur ne peut pas le savoir`,
			unknown: 'export qui ne nomme pas son atelier : ce serveur ne peut pas savoir s’il existe encore',
		},
	},
	en: {
		subject: 'National synthesis',
		territoriesLine: (n: string) => `${n} — recommendations from the most widely retained to the least`,
		territoryWords: ['territory', 'territories'] as [string, string],
		retained: (n: number, m: number) => `Retained in ${plural(n, 'en', 'territory', 'territories')} of ${String(m)}`,
		meanSupport: 'Mean support of the territories',
		supportLine: (share: string, measured: string) =>
			`${share} of voters (mean of ${measured}, each weighing the same)`,
		notMeasuredSupport: 'not measured (no vote)',
		consensusLine: 'Consensus per territory',
		consensusIn: (flag: string, n: string) => `${flag} in ${n}`,
		acrossSides: 'Across sides',
		agreement: {
			both: 'supported by associations and funders alike',
			associations: 'carried mostly by associations',
			funders: 'carried mostly by funders',
			unknown: 'a side is not shown everywhere: no comparison',
		},
		nationalText: 'National text',
		noNationalText: 'No national text yet: the territories’ texts follow.',
		byTerritory: 'In each territory',
		territory: 'Territory',
		recommendation: 'Recommendation',
		supporters: 'Supporters',
		territoryTexts: 'The territories’ texts',
		nationals: 'National recommendations',
		singles: 'Recommendations retained in one territory only',
		singlesHelp: 'They are not grouped with other territories’ recommendations; they stay in the synthesis.',
		territoriesTable: 'Territories',
		templates: 'Templates used',
		workshop: 'Workshop',
		participantsByCollege: 'Participants per college, territory by territory',
		grouping: 'Groupings',
		groupingLine: (groups: string, suggested: number) =>
			`${groups} confirmed by the synthesis author (who holds its edit link), ${String(suggested)} of them suggested by Tablée (same theme or common words) then confirmed. Nothing is grouped without confirmation; a recommendation belongs to one group only.`,
		groupWords: ['grouping', 'groupings'] as [string, string],
		measure: 'How support and consensus are measured',
		measureRule:
			'“Retained in N territories of M” counts the territories whose document holds the recommendation. Support is measured in each territory (the share of voters who gave the recommendation at least one dot, per side too), then combined as the mean over the territories retaining it: every territory weighs the same, whatever its number of participants. Raw dots are never added up to rank. Consensus stays each territory’s (the consensus check flag), counted territory by territory. Across sides: “associations and funders alike” when the weaker side’s mean support is at least two thirds of the stronger’s, else “carried mostly by” the stronger side.',
		ranking:
			'Ranking: confirmed groupings, then by the number of territories retaining the recommendation, then by mean support.',
		none: 'None.',
		notDated: 'no date given',
		deletedNotice: (territory: string, date: string) =>
			`${territory}: the source workshop was deleted from this server on ${date}. This synthesis keeps its own copy of its consolidated results (without author names); they can no longer be compared with the workshop.`,
		deletedMark: 'workshop deleted',
		provenance: 'Where the territories come from',
		namedTerritories: (list: string) =>
			`Named contributions (${list}): each college of that territory is shown as it is, however few its people.`,
		source: {
			here: 'a workshop of this server',
			deleted: (date: string) =>
				`a workshop of this server, deleted on ${date}: the synthesis keeps its copy of the consolidated results`,
			elsewhere: (server: string) =>
				`export of a workshop of another server (${server}): whether it was deleted there since cannot be known here`,
			unknown: 'export that names no workshop: whether it still exists cannot be known here',
		},
	},
}

/**
 * The rule under the participants table: small colleges were pooled (V8) by each pseudonymous
 * workshop before it exported; a named workshop's colleges are shown as they are, and the
 * document says which territories those are.
 */
function poolNotes(model: SynthesisModel, language: Language): Block[] {
	const named = model.territories.filter((territory) => territory.authorMode === 'named')
	const notes: Block[] = []
	if (named.length < model.territories.length)
		notes.push(para(typeset(words[language].poolRule, language), { small: true }))
	if (named.length > 0) {
		const list = named.map((territory) => territory.territory).join(', ')
		notes.push(para(typeset(text[language].namedTerritories(list), language), { small: true }))
	}
	return notes
}

/** The first one or two sentences of a text (the one-page summary). */
const sentences = (value: string, count: number) => {
	const parts = value.match(/[^.!?…]+[.!?…]+(\s|$)|[^.!?…]+$/g) ?? [value]
	return parts.slice(0, count).join('').trim()
}

/**
 * N5, N8–N11: the national synthesis as a document layout — one-page summary, method, then each
 * national recommendation — rendered by the same renderers as a workshop's document (E5–E6): every
 * field is text to them, whatever its type, so nothing uploaded can become markup in any format.
 */
export function buildSynthesisDocument(model: SynthesisModel, language: Language): DocumentLayout {
	const w = text[language]
	const d = words[language]
	const t = (value: unknown) => typeset(String(value ?? ''), language)
	const n = (count: number, forms: readonly [string, string]) => plural(count, language, forms[0], forms[1])
	const percent = (share: number | null) => (share === null ? '—' : formatPercent(share, language))
	const semicolon = language === 'fr' ? ' ; ' : '; '
	const quote = (value: string) => (language === 'fr' ? `« ${value} »` : `“${value}”`)
	const item = (runs: Run[], level = 0): ListItem => ({
		runs: runs.map((run) => ({ ...run, text: t(run.text) })),
		level,
	})
	const field = (name: string, value: string, level = 0) => item(labelled(name, value, d.colon), level)
	const heading = (level: 1 | 2 | 3, value: string): Block => ({ kind: 'heading', level, text: t(value) })
	const deletedOn = (territory: SynthesisModel['territories'][number]) =>
		territory.source.status === 'deleted' ? formatDate(territory.source.deletedAt, language, territory.timeZone) : null
	const sourceText = (territory: SynthesisModel['territories'][number]): string => {
		const source = territory.source
		switch (source.status) {
			case 'here':
				return w.source.here
			case 'deleted':
				return w.source.deleted(deletedOn(territory) ?? '')
			case 'elsewhere':
				return w.source.elsewhere(source.server)
			default:
				return w.source.unknown
		}
	}
	/** D1: a territory whose workshop was deleted says so wherever its figures are shown. */
	const territoryCell = (source: number, name: string) =>
		model.territories[source]?.source.status === 'deleted' ? `${name} (${w.deletedMark})` : name
	const deleted = model.territories.filter((territory) => territory.source.status === 'deleted')
	const flagWord = (flag: string | null) => d.flags[(flag ?? 'non-mesure') as keyof typeof d.flags] ?? String(flag)

	const consensusText = (group: SynthesisGroup) =>
		(Object.entries(group.consensus) as [keyof typeof d.flags, number][])
			.filter(([, count]) => count > 0)
			.map(([flag, count]) => w.consensusIn(d.flags[flag], n(count, w.territoryWords)))
			.join(', ')
	const supportText = (group: SynthesisGroup) =>
		group.support.share === null
			? w.notMeasuredSupport
			: w.supportLine(percent(group.support.share), n(group.support.measuredIn, w.territoryWords))
	const summaryOf = (group: SynthesisGroup) =>
		[
			w.retained(group.supportedIn, group.territories).toLowerCase(),
			`${w.meanSupport.toLowerCase()} ${percent(group.support.share)}`,
			consensusText(group),
			w.agreement[group.sides],
		]
			.filter(Boolean)
			.join(semicolon)
	const fromOf = (contribution: ExportedContribution) => {
		const college = contribution.college ? contribution.college.label[language] : d.facilitator
		return contribution.author ? `${contribution.author}, ${college}` : college
	}
	const trailItems = (step: TrailStep, level: number): ListItem[] => [
		item(
			[
				{ text: `${d.types[step.contribution.type]} ${quote(step.contribution.title ?? step.contribution.text)}` },
				{ text: ` — ${fromOf(step.contribution)}${step.contribution.mergedInto ? ` (${d.merged})` : ''}` },
			],
			level,
		),
		...step.merged.flatMap((child) => trailItems(child, level + 1)),
		...step.sources.flatMap((child) => trailItems(child, level + 1)),
	]

	const groupBlocks = (group: SynthesisGroup, rank: number): Block[] => {
		const figures: ListItem[] = [
			field(w.meanSupport, supportText(group)),
			field(d.sides.associations, percent(group.support.sides.associations), 1),
			field(d.sides.funders, percent(group.support.sides.funders), 1),
			field(w.consensusLine, consensusText(group) || d.flags['non-mesure']),
			field(w.acrossSides, w.agreement[group.sides]),
		]
		const blocks: Block[] = [
			{
				kind: 'keep',
				blocks: [
					heading(2, `${rank}. ${group.label}`),
					{ kind: 'paragraph', runs: [{ text: w.retained(group.supportedIn, group.territories), bold: true }] },
					{ kind: 'list', items: figures },
				],
			},
			group.text.trim()
				? { kind: 'paragraph', runs: [{ text: t(group.text) }] }
				: para(w.noNationalText, { italic: true }),
			heading(3, w.byTerritory),
			{
				kind: 'table',
				columns: [
					{ header: w.territory, align: 'left', grow: 0.3 },
					{ header: w.recommendation, align: 'left', grow: 1 },
					{ header: w.supporters, align: 'right', grow: 0 },
					{ header: d.sides.associations, align: 'right', grow: 0 },
					{ header: d.sides.funders, align: 'right', grow: 0 },
					{ header: d.consensus, align: 'left', grow: 0 },
					{ header: d.points, align: 'right', grow: 0 },
				],
				rows: group.members.map((member) => [
					t(territoryCell(member.ref.source, member.territory)),
					t(member.title),
					percent(member.share),
					percent(member.sides.associations),
					percent(member.sides.funders),
					flagWord(member.consensus),
					formatNumber(Number(member.dots) || 0, language),
				]),
			},
			heading(3, w.territoryTexts),
			{
				kind: 'list',
				items: group.members.map((member) =>
					item([{ text: `${member.territory}${d.colon}`, bold: true }, { text: member.text }]),
				),
			},
			heading(3, d.conditions),
			group.conditions.length === 0
				? para(w.none, { italic: true })
				: {
						kind: 'list',
						items: group.conditions.map((condition) =>
							item([
								{ text: `${condition.territory} — `, bold: true },
								{
									text: `${condition.text} — ${condition.from ? condition.from.label[language] : d.facilitator}, ${condition.answer ? d.answeredWith(d[condition.answer]) : d.written}`,
								},
							]),
						),
					},
			heading(3, d.commitments),
			group.commitments.length === 0
				? para(w.none, { italic: true })
				: {
						kind: 'table',
						columns: [
							{ header: w.territory, align: 'left', grow: 0.3 },
							{ header: d.who, align: 'left', grow: 0.4 },
							{ header: d.what, align: 'left', grow: 1 },
							{ header: d.due, align: 'left', grow: 0.2 },
						],
						rows: group.commitments.map((commitment) => [
							t(commitment.territory),
							t(commitment.who ?? '—'),
							t(commitment.text),
							t(commitment.due ?? '—'),
						]),
					},
			heading(3, d.trail),
			{
				kind: 'list',
				items: group.members.flatMap((member) => [
					item([{ text: `${member.territory} — ${d.types.recommandation} ${quote(member.title)}`, bold: true }]),
					...[...member.trail.sources, ...member.trail.merged].flatMap((step) => trailItems(step, 1)),
				]),
			},
		]
		return blocks
	}

	const ranked = model.groups.map((group, index) => ({ group, rank: index + 1 }))
	const nationals = ranked.filter(({ group }) => group.supportedIn > 1 || group.confirmed)
	const singles = ranked.filter(({ group }) => !(group.supportedIn > 1 || group.confirmed))
	const blocks: Block[] = [
		// D1: said before anything else, and again in the method and beside the territory's figures.
		...deleted.map((territory) =>
			para(t(w.deletedNotice(territory.territory, deletedOn(territory) ?? '')), { bold: true }),
		),
		heading(1, d.synthesis),
		ranked.length === 0
			? para(w.none, { italic: true })
			: {
					kind: 'list',
					items: ranked.map(({ group, rank }) =>
						item([
							{ text: `${rank}. ${group.label}`, bold: true },
							{
								text: ` — ${summaryOf(group)}.${group.text.trim() ? ` ${sentences(group.text, 2)}` : ''}`,
							},
						]),
					),
				},
		heading(1, d.method),
		heading(2, w.territoriesTable),
		{
			kind: 'table',
			columns: [
				{ header: w.territory, align: 'left', grow: 1 },
				{ header: d.date, align: 'left', grow: 0.3 },
				{ header: d.participantsHeader, align: 'right', grow: 0 },
				{ header: d.sides.associations, align: 'right', grow: 0 },
				{ header: d.sides.funders, align: 'right', grow: 0 },
				{ header: d.voters, align: 'right', grow: 0 },
			],
			rows: model.territories.map((territory) => [
				t(territoryCell(territory.index, territory.territory)),
				territory.date ? formatDate(territory.date, language, territory.timeZone) : w.notDated,
				formatNumber(territory.participants, language),
				territory.sides.associations === null ? '—' : formatNumber(territory.sides.associations, language),
				territory.sides.funders === null ? '—' : formatNumber(territory.sides.funders, language),
				formatNumber(territory.voters, language),
			]),
		},
		para(t(`— ${d.notShown}`), { small: true }),
		{
			kind: 'list',
			items: [
				...model.territories.map((territory) => field(`${w.workshop} (${territory.territory})`, territory.title)),
				field(
					w.templates,
					[
						...new Set(model.territories.map((territory) => `${territory.template.id} v${territory.template.version}`)),
					].join(', '),
				),
			],
		},
		heading(2, w.provenance),
		{
			kind: 'list',
			items: model.territories.map((territory) => field(territory.territory, sourceText(territory))),
		},
		heading(2, w.participantsByCollege),
		{
			kind: 'table',
			columns: [
				{ header: w.territory, align: 'left', grow: 0.4 },
				{ header: d.college, align: 'left', grow: 1 },
				{ header: d.participantsHeader, align: 'right', grow: 0 },
			],
			rows: model.territories.flatMap((territory) =>
				territory.columns.map((column) => [
					t(territory.territory),
					t(column.label[language]),
					formatNumber(column.people, language),
				]),
			),
		},
		...poolNotes(model, language),
		heading(2, w.grouping),
		para(
			t(
				w.groupingLine(
					n(model.confirmedGroups, w.groupWords),
					model.groups.filter((group) => group.confirmed && group.fromSuggestion).length,
				),
			),
		),
		heading(2, w.measure),
		para(t(w.measureRule)),
		para(t(d.flagRule), { small: true }),
		para(t(w.ranking), { small: true }),
		heading(1, w.nationals),
		...(nationals.length === 0 ? [para(w.none, { italic: true })] : []),
		...nationals.flatMap(({ group, rank }) => groupBlocks(group, rank)),
		heading(1, w.singles),
		para(t(w.singlesHelp), { small: true }),
		...(singles.length === 0 ? [para(w.none, { italic: true })] : []),
		...singles.flatMap(({ group, rank }) => groupBlocks(group, rank)),
	]
	return {
		language,
		title: String(model.title),
		subtitle: [w.subject, t(w.territoriesLine(n(model.territories.length, w.territoryWords)))],
		author: 'Tablée',
		subject: w.subject,
		blocks,
	}
}

/** N5: the synthesis as Markdown (every field escaped, E6). */
export function renderSynthesisMarkdown(model: SynthesisModel, language: Language): string {
	return renderLayoutMarkdown(buildSynthesisDocument(model, language))
}

/** N5: the synthesis as a print-ready HTML page (every field escaped, E6). */
export function renderSynthesisHtml(model: SynthesisModel, language: Language): string {
	return renderLayoutHtml(buildSynthesisDocument(model, language))
}

/** N5, N8: one row per territory's recommendation, with its group and both measures (CSV rules of E7). */
export function renderSynthesisCsv(model: SynthesisModel, language: Language): string {
	const header =
		language === 'fr'
			? [
					'groupe',
					'regroupement',
					'territoires où elle est retenue',
					'territoires',
					'soutien moyen des territoires',
					'territoire',
					'recommandation',
					'part des votant·es',
					'associations',
					'financeurs',
					'consensus',
					'points',
				]
			: [
					'group',
					'grouping',
					'territories retaining it',
					'territories',
					'mean support of the territories',
					'territory',
					'recommendation',
					'share of voters',
					'associations',
					'funders',
					'consensus',
					'dots',
				]
	const share = (value: unknown) => (typeof value === 'number' ? value.toFixed(4) : String(value ?? ''))
	const rows = model.groups.flatMap((group, index) =>
		group.members.map((member) => [
			index + 1,
			group.label,
			group.supportedIn,
			group.territories,
			share(group.support.share),
			member.territory,
			member.title,
			share(member.share),
			share(member.sides.associations),
			share(member.sides.funders),
			member.consensus ?? '',
			member.dots,
		]),
	)
	return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`
}
