import { language } from '../i18n/i18n.ts'

/**
 * Messages of the personal data controls — the console's section, "Retirer mon nom" (loaded after
 * the page), the synthesis page's deleted-source note — in each language. They live here, not in the catalogues, because the French catalogue is
 * part of every page's shell and the light view must stay under its 60 kB budget (SPEC K13): only
 * the pages that show these messages download them.
 */
const messages = {
	fr: {
		eraseName: 'Retirer mon nom',
		eraseNameHelp:
			'Votre nom disparaît de l’atelier ; vos contributions et vos votes restent, attribués à votre collège seulement.',
		eraseNameConfirm:
			'Retirer votre nom de cet atelier ? Vos contributions resteront, attribuées à votre collège. C’est irréversible.',
		nameErased: 'Votre nom a été retiré : vous apparaissez sous votre collège.',
		anonymiseOn:
			'Les noms seront retirés automatiquement le {date} ({days} jours après la date de l’atelier) : chaque nom remplacé par son collège, les résultats consolidés restent lisibles.',
		anonymisedAt: 'Les noms ont été retirés le {date} : il ne reste que les collèges et les résultats consolidés.',
		anonymiseNow: 'Anonymiser maintenant',
		anonymiseConfirm:
			'Retirer maintenant tous les noms de cet atelier ? Chaque nom sera remplacé par son collège et les votes nominatifs réduits à des totaux. C’est irréversible.',
		eraseFor: 'Retirer le nom d’une personne qui le demande',
		eraseForSubmit: 'Retirer ce nom',
		eraseForHelp:
			'Pour une personne qui le demande autrement que dans l’application, y compris une participation sur papier : ses contributions et ses votes restent, attribués à son collège.',
		eraseForConfirm: 'Retirer le nom « {name} » de l’atelier ? Ses contributions resteront, attribuées à son collège.',
		erasedFor: 'Le nom a été retiré.',
		delete: 'Supprimer l’atelier',
		deleteTitle: 'Supprimer définitivement cet atelier ?',
		deleteHelp:
			'Tout sera effacé du serveur : tableau, contributions, votes, images, liens. Les participant·es connecté·es seront prévenu·es. Téléchargez d’abord ce que vous voulez garder :',
		deleteUnderstood: 'J’ai gardé ce qu’il me fallait ; l’atelier sera effacé définitivement.',
		deleteSubmit: 'Supprimer définitivement',
		cancel: 'Annuler',
		sourceDeleted:
			'{territory} : l’atelier source a été supprimé de ce serveur le {date} ; cette synthèse garde sa propre copie de ses résultats consolidés, sans nom d’auteur·rice.',
		sourcesUnknown:
			'{territories} : atelier d’un autre serveur, ou que son export ne nomme pas — ce serveur ne peut pas savoir s’il a été supprimé depuis.',
	},
	en: {
		eraseName: 'Remove my name',
		eraseNameHelp:
			'Your name disappears from the workshop; your contributions and votes stay, attributed to your college only.',
		eraseNameConfirm:
			'Remove your name from this workshop? Your contributions will stay, attributed to your college. This cannot be undone.',
		nameErased: 'Your name was removed: you appear under your college.',
		anonymiseOn:
			'Names will be removed automatically on {date} ({days} days after the workshop’s date): each name replaced by its college; the consolidated results stay readable.',
		anonymisedAt: 'Names were removed on {date}: only colleges and the consolidated results remain.',
		anonymiseNow: 'Anonymise now',
		anonymiseConfirm:
			'Remove every name from this workshop now? Each name will be replaced by its college and named ballots reduced to totals. This cannot be undone.',
		eraseFor: 'Remove the name of someone who asks',
		eraseForSubmit: 'Remove this name',
		eraseForHelp:
			'For someone who asks other than through the app, people taking part on paper included: their contributions and votes stay, attributed to their college.',
		eraseForConfirm:
			'Remove the name “{name}” from the workshop? Their contributions will stay, attributed to their college.',
		erasedFor: 'The name was removed.',
		delete: 'Delete the workshop',
		deleteTitle: 'Delete this workshop for good?',
		deleteHelp:
			'Everything will be erased from the server: board, contributions, votes, images, links. Connected participants will be told. First download what you want to keep:',
		deleteUnderstood: 'I have kept what I need; the workshop will be erased for good.',
		deleteSubmit: 'Delete for good',
		cancel: 'Cancel',
		sourceDeleted:
			'{territory}: the source workshop was deleted from this server on {date}; this synthesis keeps its own copy of its consolidated results, without author names.',
		sourcesUnknown:
			'{territories}: a workshop of another server, or one its export does not name — whether it was deleted since cannot be known here.',
	},
} as const

export type PrivacyMessageKey = keyof (typeof messages)['fr']

/** The message for `key` in the interface language, with `{name}` placeholders filled. */
export function pt(key: PrivacyMessageKey, params: Record<string, string | number> = {}): string {
	const template: string = messages[language()][key]
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}
