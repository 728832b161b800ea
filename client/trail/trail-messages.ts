import { language } from '../i18n/i18n.ts'

/**
 * The words of the page of what became of one's contributions (SPEC M), of its console section
 * and of the board's closing-zone code, in each language. They live here, not in the catalogues,
 * because the French catalogue is part of every page's shell and the light view must stay under
 * its 60 kB budget (SPEC K13): only the pages that show them download them.
 */
const messages = {
	fr: {
		linkHelp: 'Chacune de vos contributions, fusionnée ou regroupée, et jusqu’où elle est allée.',
		title: 'Ce que sont devenues mes contributions',
		paperTitle: '{name} : ce que sont devenues vos contributions',
		tableTitle: 'Table papier : ce que sont devenues vos contributions',
		tablePeople: 'Contributions écrites sur papier par : {names}.',
		navigation: 'Navigation',
		backWorkshop: 'Retour à l’atelier',
		backConsole: 'Retour à la console',
		updated: 'Page mise à jour : le sort d’une contribution a changé.',
		notYours: 'Cette page n’est visible que par la personne qui a écrit ces contributions.',
		empty: 'Vous n’avez encore rien écrit dans cet atelier.',
		emptyPaper: 'Aucune contribution n’a encore été écrite pour cette personne.',
		summary: '{count} {count|contribution|contributions} :',
		'count.kept': '{count} {count|gardée telle quelle|gardées telles quelles}',
		'count.merged': '{count} {count|fusionnée|fusionnées}',
		'count.grouped': '{count} dans une recommandation',
		'count.draft': '{count} pas encore {count|dévoilée|dévoilées}',
		'fate.kept': 'Gardée telle quelle',
		'fate.merged': 'Fusionnée avec une contribution semblable',
		'fate.grouped': 'Regroupée dans une recommandation',
		'fate.recommendation': 'Recommandation',
		'fate.linked': 'Engagement rattaché à une recommandation',
		'fate.draft': 'Écrite en privé, pas encore dévoilée',
		'fate.mergedGrouped': 'Fusionnée avec une contribution semblable, puis regroupée dans une recommandation',
		intro:
			'Chacune de vos contributions, avec ce que l’animation en a fait : gardée telle quelle, fusionnée avec une contribution semblable ou regroupée dans une recommandation — et jusqu’où cette recommandation est allée.',
		introPaper:
			'Chaque contribution écrite sur papier, avec ce que l’animation en a fait : gardée telle quelle, fusionnée avec une contribution semblable ou regroupée dans une recommandation — et jusqu’où cette recommandation est allée.',
		printed:
			'Tablée — fiche établie le {date}. Les résultats suivent les règles d’anonymat des documents : aucun chiffre ne porte sur moins de 3 personnes.',
		mergedInto: 'Fusionnée dans {note}',
		groupedInto: 'Recommandation {title}',
		recommendation: 'Recommandation',
		recommendationRank: 'Classée {rank}{rank|re|e} sur {of} {of|recommandation|recommandations}.',
		proposalRank: 'Au vote : {rank}{rank|re|e} sur {of} {of|proposition|propositions}.',
		support:
			'Soutenue par {supporters} {supporters|personne|personnes} sur {voters} {voters|votant·e|votant·es} ({dots} {dots|point|points}).',
		'side.associations': 'Associations : {supporters} sur {voters}',
		'side.funders': 'Financeurs : {supporters} sur {voters}',
		answers: 'd’accord : {agree}, ne sait pas : {unsure}, pas d’accord : {disagree}',
		notPublished: 'Aucun résultat de vote n’a été montré pour elle.',
		national: 'Remontée nationale — {synthesis}',
		retainedIn: 'Retenue dans {count} {count|territoire|territoires} sur {of}',
		meanShare: 'soutenue en moyenne par {share} des votant·es',
		privateNote:
			'Cette page n’est visible que par vous : ni les autres participant·es, ni l’animation ne peuvent l’ouvrir.',
		privateNoteFacilitator: 'Cette page n’est visible que par vous : aucun·e participant·e ne peut l’ouvrir.',
		otherDevice: 'Ouvrir cette page sur un autre appareil',
		otherDeviceHelp:
			'Scannez ce code ou gardez ce lien : il ouvre vos contributions, à vous seul·e. Ne le partagez pas.',
		personalLink: 'Lien personnel vers mes contributions',
		print: 'Imprimer la fiche',
		closingHelp:
			'Scannez ce code avec l’appareil qui vous a servi pendant l’atelier : vous verrez ce que deviennent vos contributions.',
		consoleTitle: 'Ce que deviennent les contributions',
		consoleHelp:
			'Montrez ce code en fin d’atelier : chacun·e le scanne avec l’appareil qui lui a servi et voit ses propres contributions, personne d’autre.',
		paperSheets: 'Fiches des participant·es sur papier',
		paperSheet: 'Fiche à imprimer : {name}',
		tableSheet: 'Fiche à imprimer : toute la table',
		closingLink: 'Lien à montrer aux participant·es',
		noPaper: 'Aucune personne ne participe sur papier.',
	},
	en: {
		linkHelp: 'Each of your contributions, merged or grouped, and how far it went.',
		title: 'What became of my contributions',
		paperTitle: '{name}: what became of your contributions',
		tableTitle: 'Paper table: what became of your contributions',
		tablePeople: 'Contributions written on paper by: {names}.',
		navigation: 'Navigation',
		backWorkshop: 'Back to the workshop',
		backConsole: 'Back to the console',
		updated: 'Page updated: what became of a contribution has changed.',
		notYours: 'Only the person who wrote these contributions can see this page.',
		empty: 'You have not written anything in this workshop yet.',
		emptyPaper: 'No contribution has been written for this person yet.',
		summary: '{count} {count|contribution|contributions}:',
		'count.kept': '{count} kept as {count|it is|they are}',
		'count.merged': '{count} merged',
		'count.grouped': '{count} in a recommendation',
		'count.draft': '{count} not revealed yet',
		'fate.kept': 'Kept as it is',
		'fate.merged': 'Merged with a similar contribution',
		'fate.grouped': 'Grouped into a recommendation',
		'fate.recommendation': 'Recommendation',
		'fate.linked': 'Commitment linked to a recommendation',
		'fate.draft': 'Written in private, not revealed yet',
		'fate.mergedGrouped': 'Merged with a similar contribution, then grouped into a recommendation',
		intro:
			'Each of your contributions, with what the facilitators made of it: kept as it is, merged with a similar one or grouped into a recommendation — and how far that recommendation went.',
		introPaper:
			'Each contribution written on paper, with what the facilitators made of it: kept as it is, merged with a similar one or grouped into a recommendation — and how far that recommendation went.',
		printed:
			'Tablée — sheet made on {date}. Results follow the documents’ anonymity rules: no figure is about fewer than 3 people.',
		mergedInto: 'Merged into {note}',
		groupedInto: 'Recommendation {title}',
		recommendation: 'Recommendation',
		recommendationRank: 'Ranked {rank} of {of} {of|recommendation|recommendations}.',
		proposalRank: 'In the vote: ranked {rank} of {of} {of|proposal|proposals}.',
		support: 'Supported by {supporters} of {voters} {voters|voter|voters} ({dots} {dots|dot|dots}).',
		'side.associations': 'Associations: {supporters} of {voters}',
		'side.funders': 'Funders: {supporters} of {voters}',
		answers: 'agree: {agree}, don’t know: {unsure}, disagree: {disagree}',
		notPublished: 'No vote result has been shown for it.',
		national: 'National synthesis — {synthesis}',
		retainedIn: 'Retained in {count} of {of} {of|territory|territories}',
		meanShare: 'supported on average by {share} of voters',
		privateNote: 'Only you can see this page: neither the other participants nor the facilitators can open it.',
		privateNoteFacilitator: 'Only you can see this page: no participant can open it.',
		otherDevice: 'Open this page on another device',
		otherDeviceHelp: 'Scan this code or keep this link: it opens your contributions, for you alone. Do not share it.',
		personalLink: 'Personal link to my contributions',
		print: 'Print the sheet',
		closingHelp:
			'Scan this code with the device you used during the workshop: you will see what becomes of your contributions.',
		consoleTitle: 'What becomes of the contributions',
		consoleHelp:
			'Show this code at the end of the workshop: everyone scans it with the device they used and sees their own contributions, nobody else’s.',
		paperSheets: 'Sheets for participants on paper',
		paperSheet: 'Sheet to print: {name}',
		tableSheet: 'Sheet to print: the whole table',
		closingLink: 'Link to show participants',
		noPaper: 'Nobody takes part on paper.',
	},
} as const satisfies Record<'fr' | 'en', Record<string, string>>

export type TrailMessageKey = keyof (typeof messages)['fr']

/**
 * The message for `key` in the interface language: `{name}` placeholders filled, and
 * `{name|singular|plural}` chosen by the number `name` (French takes the singular for 0 and 1).
 */
export function tt(key: TrailMessageKey, params: Record<string, string | number> = {}): string {
	const lang = language()
	const template: string = messages[lang][key]
	return template
		.replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (_whole, name: string, one: string, other: string) => {
			const count = Math.abs(Number(params[name]))
			return (lang === 'fr' ? count < 2 : count === 1) ? one : other
		})
		.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}
