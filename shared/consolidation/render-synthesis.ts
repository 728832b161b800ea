import type { Language } from '../concertation/labels.ts'
import { csvCell, markdownText } from './render-text.ts'
import type { SynthesisModel } from './synthesis.ts'

const text = {
	fr: {
		territories: 'Territoires',
		groups: 'Recommandations par regroupement',
		supported: (n: number, m: number) => `Soutenue dans ${n} territoire(s) sur ${m}`,
		dots: 'points',
		college: 'Collège',
		members: 'Dans les territoires',
		themes: 'Thèmes',
	},
	en: {
		territories: 'Territories',
		groups: 'Recommendations by grouping',
		supported: (n: number, m: number) => `Supported in ${n} of ${m} territories`,
		dots: 'dots',
		college: 'College',
		members: 'In the territories',
		themes: 'Themes',
	},
}

/** N5: the synthesis as Markdown (participants' and territories' text escaped, E6). */
export function renderSynthesisMarkdown(model: SynthesisModel, language: Language): string {
	const w = text[language]
	const out = [`# ${markdownText(model.title)}`, '', `## ${w.territories}`, '']
	for (const territory of model.territories) {
		out.push(
			`- ${markdownText(territory.territory)} — ${markdownText(territory.title)}${territory.date ? ` (${territory.date})` : ''}`,
		)
	}
	out.push('', `## ${w.groups}`, '')
	model.groups.forEach((group, index) => {
		out.push(`### ${index + 1}. ${markdownText(group.label)}`, '')
		out.push(`**${w.supported(group.supportedIn, group.territories)}** — ${group.dots} ${w.dots}`, '')
		if (group.themes.length > 0) {
			out.push(`- ${w.themes} : ${group.themes.map((theme) => markdownText(theme.label[language])).join(', ')}`)
		}
		out.push(`- ${w.members} :`)
		for (const member of group.members) {
			out.push(`  - ${markdownText(member.territory)} — « ${markdownText(member.title)} » (${member.dots} ${w.dots})`)
		}
		if (group.byCollege.length > 0) {
			out.push('', `| ${w.college} | ${w.dots} |`, '| --- | ---: |')
			for (const college of group.byCollege) out.push(`| ${markdownText(college.label[language])} | ${college.dots} |`)
		}
		out.push('')
	})
	return out.join('\n')
}

/** N5: one row per territory's recommendation, with its group (CSV rules of E7). */
export function renderSynthesisCsv(model: SynthesisModel, language: Language): string {
	const header =
		language === 'fr'
			? ['groupe', 'regroupement', 'territoires soutenant', 'territoires', 'territoire', 'recommandation', 'points']
			: ['group', 'grouping', 'supporting territories', 'territories', 'territory', 'recommendation', 'dots']
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
