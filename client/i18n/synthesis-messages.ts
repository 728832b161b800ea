import { fill, language } from './i18n.ts'

/**
 * Messages of the national synthesis — its page, the lobby's form that starts one, the figures a
 * contribution's page quotes from it — in each language. They live here, not in the catalogues,
 * because the French catalogue is part of every page's shell and the light view must stay under
 * its 60 kB budget (SPEC K13): only the pages that show these messages download them.
 */
const messages = {
	fr: {
		changedElsewhere: 'Cette synthèse a été modifiée ailleurs : la page montre son état actuel.',
		stale:
			'Quelqu’un d’autre a enregistré une modification entre-temps : la page a été rechargée avec la sienne, la vôtre n’a pas été enregistrée. Refaites-la si elle est toujours utile.',
		readOnly:
			'Lecture seule : ce lien permet de lire et d’exporter la synthèse. Pour regrouper ou écrire, il faut le lien de modification.',
		readLink: 'Lien de lecture (lire et exporter)',
		readLinkHelp: 'À partager largement : il ne permet pas de modifier.',
		editLink: 'Lien de modification (regrouper, renommer, écrire)',
		editLinkHelp: 'À ne donner qu’aux personnes qui rédigent la synthèse.',
		legacy:
			'Cette synthèse date d’avant les liens séparés : son adresse permet encore de la modifier. Créez un lien de modification pour que son adresse ne serve plus qu’à la lire.',
		claimKey: 'Créer un lien de modification séparé',
		revision: 'Version {revision}.',
		lastWriteWins:
			'Si deux personnes modifient en même temps, la première enregistrée compte : l’autre voit la page se recharger et un message le lui dit.',
		undoLast: 'Annuler ma dernière modification',
		sameTheme: 'même thème : {theme}',
		commonWords: 'mots communs : {words}',
		meanSupport: 'soutien moyen des territoires : {share}',
		consensusIn: '{flag} dans {count} {count|territoire|territoires}',
		'flag.consensuel': 'consensuelle',
		'flag.clivant': 'clivante',
		'flag.partage': 'partagée',
		'flag.insuffisant': 'réponses insuffisantes',
		'flag.non-mesure': 'consensus non mesuré',
		'sides.both': 'chez les associations comme chez les financeurs',
		'sides.associations': 'portée surtout par les associations',
		'sides.funders': 'portée surtout par les financeurs',
		'sides.unknown': 'côtés non comparables',
		moveLabel: 'Regroupement de « {title} »',
		standAlone: 'Seule (hors regroupement)',
		nationalTitle: 'Titre national',
		nationalText: 'Texte national (les textes des territoires restent dessous)',
		save: 'Enregistrer',
		workshopsHere: 'Ateliers de ce serveur inclus : {list}',
		eyebrow: 'Synthèse nationale',
		territories: '{count} {count|territoire|territoires} :',
		suggestions: 'Regroupements suggérés (recommandations proches)',
		confirm: 'Confirmer ce regroupement',
		undo: 'Défaire ce regroupement',
		groups: 'Recommandations, de la plus largement retenue à la moins retenue',
		supported: 'Retenue dans {count} {count|territoire|territoires} sur {total}',
		linkHelp: 'Gardez le lien de modification : lui seul permet de regrouper et d’écrire les textes nationaux.',
		create: 'Créer une synthèse nationale',
		createHelp:
			'Rassemblez les exports JSON (« remontée nationale ») de plusieurs ateliers : Tablée propose de regrouper les recommandations proches et compte dans combien de territoires chacune est soutenue.',
		title: 'Titre de la synthèse',
		files: 'Exports JSON des ateliers',
		createSubmit: 'Créer la synthèse',
		mine: 'Vos ateliers sur cet appareil (vous en êtes l’animation)',
		byTheme: 'Par thème',
		organizer: 'Avec la clé d’organisation : d’autres ateliers de ce serveur',
		workshopIds: 'Identifiants d’ateliers (un par ligne)',
	},
	en: {
		changedElsewhere: 'This synthesis was changed elsewhere: the page shows it as it is now.',
		stale:
			'Someone else saved a change meanwhile: the page was reloaded with theirs, yours was not saved. Make it again if it is still needed.',
		readOnly: 'Read only: this link reads and exports the synthesis. Grouping and writing need the edit link.',
		readLink: 'Read link (read and export)',
		readLinkHelp: 'Share it widely: it cannot change anything.',
		editLink: 'Edit link (group, rename, write)',
		editLinkHelp: 'Give it only to the people writing the synthesis.',
		legacy:
			'This synthesis dates from before separate links: its address still edits it. Create an edit link so that its address only reads it.',
		claimKey: 'Create a separate edit link',
		revision: 'Version {revision}.',
		lastWriteWins:
			'When two people edit at once, the first saved counts: the other sees the page reload and is told so.',
		undoLast: 'Undo my last change',
		sameTheme: 'same theme: {theme}',
		commonWords: 'common words: {words}',
		meanSupport: 'mean support of the territories: {share}',
		consensusIn: '{flag} in {count} {count|territory|territories}',
		'flag.consensuel': 'bridging',
		'flag.clivant': 'divisive',
		'flag.partage': 'mixed',
		'flag.insuffisant': 'not enough answers',
		'flag.non-mesure': 'consensus not measured',
		'sides.both': 'among associations and funders alike',
		'sides.associations': 'carried mostly by associations',
		'sides.funders': 'carried mostly by funders',
		'sides.unknown': 'sides not comparable',
		moveLabel: 'Grouping of “{title}”',
		standAlone: 'Alone (not grouped)',
		nationalTitle: 'National title',
		nationalText: 'National text (the territories’ texts stay beneath)',
		save: 'Save',
		workshopsHere: 'Workshops of this server included: {list}',
		eyebrow: 'National synthesis',
		territories: '{count} {count|territory|territories}:',
		suggestions: 'Suggested groupings (similar recommendations)',
		confirm: 'Confirm this grouping',
		undo: 'Undo this grouping',
		groups: 'Recommendations, most widely retained first',
		supported: 'Retained in {count} {count|territory|territories} of {total}',
		linkHelp: 'Keep the edit link: only it lets you group and write the national texts.',
		create: 'Create a national synthesis',
		createHelp:
			'Bring together the JSON exports (“national roll-up”) of several workshops: Tablée suggests grouping similar recommendations and counts in how many territories each is supported.',
		title: 'Title of the synthesis',
		files: 'Workshops’ JSON exports',
		createSubmit: 'Create the synthesis',
		mine: 'Your workshops on this device (you facilitate them)',
		byTheme: 'By theme',
		organizer: 'With the organiser key: other workshops of this server',
		workshopIds: 'Workshop ids (one per line)',
	},
} as const

export type SynthesisMessageKey = keyof (typeof messages)['fr']

/** The synthesis message for `key` in the interface language, filled as {@link t} fills. */
export function st(key: SynthesisMessageKey, params: Record<string, string | number> = {}): string {
	return fill(messages[language()][key], params)
}
