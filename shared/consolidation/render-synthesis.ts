import type { Language } from '../concertation/labels.ts'
import type { Block, DocumentLayout } from './layout.ts'
import { renderLayoutHtml } from './render-html.ts'
import { renderLayoutMarkdown } from './render-markdown.ts'
import { csvCell } from './render-text.ts'
import type { SynthesisModel } from './synthesis.ts'
import { formatDate, plural, typeset } from './typography.ts'
import { words } from './words.ts'

const text = {
	fr: {
		territories: 'Territoires',
		groups: 'Recommandations, de la plus partagée à la moins partagée',
		supported: (n: number, m: number) =>
			`Retenue dans ${plural(n, 'fr', 'territoire', 'territoires')} sur ${String(m)}`,
		dots: 'Points',
		college: 'Colonne',
		members: 'Dans les territoires',
		themes: 'Thèmes',
		territory: 'Territoire',
		recommendation: 'Recommandation',
		consensus: 'Consensus',
		recommendations: 'Recommandations',
		subject: 'Synthèse nationale',
	},
	en: {
		territories: 'Territories',
		groups: 'Recommendations, most shared first',
		supported: (n: number, m: number) => `Retained in ${plural(n, 'en', 'territory', 'territories')} of ${String(m)}`,
		dots: 'Dots',
		college: 'Column',
		members: 'In the territories',
		themes: 'Themes',
		territory: 'Territory',
		recommendation: 'Recommendation',
		consensus: 'Consensus',
		recommendations: 'Recommendations',
		subject: 'National synthesis',
	},
}

/**
 * N5: the national synthesis as a document layout, rendered by the same renderers as a workshop's
 * document (E5–E6): every field is text to them, whatever its type, so nothing uploaded can become
 * markup in any format.
 */
export function buildSynthesisDocument(model: SynthesisModel, language: Language): DocumentLayout {
	const w = text[language]
	const t = (value: unknown) => typeset(String(value ?? ''), language)
	const flagWords = words[language].flags
	const blocks: Block[] = [
		{ kind: 'heading', level: 1, text: w.territories },
		{
			kind: 'list',
			items: model.territories.map((territory) => ({
				level: 0,
				runs: [
					{ text: t(territory.territory), bold: true },
					{
						text: t(
							` — ${String(territory.title)}${territory.date ? ` (${formatDate(String(territory.date), language, 'Europe/Paris')})` : ''}`,
						),
					},
				],
			})),
		},
		{ kind: 'heading', level: 1, text: w.groups },
	]
	model.groups.forEach((group, index) => {
		blocks.push(
			{
				kind: 'keep',
				blocks: [
					{ kind: 'heading', level: 2, text: t(`${index + 1}. ${String(group.label)}`) },
					{
						kind: 'paragraph',
						runs: [
							{ text: w.supported(Number(group.supportedIn) || 0, Number(group.territories) || 0), bold: true },
							{ text: t(` — ${String(group.dots)} ${w.dots.toLowerCase()}`) },
						],
					},
				],
			},
			...(group.themes.length > 0
				? [
						{
							kind: 'paragraph' as const,
							runs: [
								{ text: `${w.themes}${language === 'fr' ? ' : ' : ': '}`, bold: true },
								{ text: t(group.themes.map((theme) => theme.label[language]).join(', ')) },
							],
						},
					]
				: []),
			{
				kind: 'table',
				columns: [
					{ header: w.territory, align: 'left', grow: 0.3 },
					{ header: w.recommendation, align: 'left', grow: 1 },
					{ header: w.dots, align: 'right', grow: 0 },
					{ header: w.consensus, align: 'left', grow: 0 },
				],
				rows: group.members.map((member) => [
					t(member.territory),
					t(member.title),
					t(member.dots),
					t(flagWords[member.consensus as keyof typeof flagWords] ?? member.consensus ?? ''),
				]),
			},
		)
		if (group.byCollege.length > 0) {
			blocks.push({
				kind: 'table',
				columns: [
					{ header: w.college, align: 'left', grow: 1 },
					{ header: w.dots, align: 'right', grow: 0 },
				],
				rows: group.byCollege.map((college) => [t(college.label[language]), t(college.dots)]),
			})
		}
	})
	return {
		language,
		title: String(model.title),
		subtitle: [w.subject],
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

/** N5: one row per territory's recommendation, with its group (CSV rules of E7). */
export function renderSynthesisCsv(model: SynthesisModel, language: Language): string {
	const header =
		language === 'fr'
			? [
					'groupe',
					'regroupement',
					'territoires où elle est retenue',
					'territoires',
					'territoire',
					'recommandation',
					'points',
				]
			: ['group', 'grouping', 'territories retaining it', 'territories', 'territory', 'recommendation', 'dots']
	const rows = model.groups.flatMap((group, index) =>
		group.members.map((member) => [
			index + 1,
			group.label,
			group.supportedIn,
			group.territories,
			member.territory,
			member.title,
			member.dots,
		]),
	)
	return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`
}
